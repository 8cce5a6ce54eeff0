// The one place that names the vendored front-end library (decision 0043). Its version is in the
// path (berth-daemon's pom unpacks the webjar there), so the server can cache it as immutable;
// change both together. No bare specifiers and no import map: the page's CSP forbids inline scripts.
export { h, render, Component, Fragment } from '../vendor/preact-10.28.0/preact.module.js';
