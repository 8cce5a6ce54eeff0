// The dashboard's shell: header, navigation (hash routes, so the server serves one page and the
// browser never reloads it), the current view and the confirmation dialog. It re-renders when the
// store changes; Preact's keyed diff touches only what changed.

import { h, render } from './lib.js';
import { store, subscribe, start, changed } from './store.js';
import { logout } from './api.js';
import { dialogView } from './actions.js';
import { assignHues } from './ui.js';
import { mapView } from './views/map.js';
import { servicesView } from './views/services.js';
import { ServicePage } from './views/service.js';
import { nodesView } from './views/nodes.js';
import { imagesView, networksView, registryView, volumesView } from './views/lists.js';
import { eventsView } from './views/events.js';
import { ContainersView } from './views/containers.js';

const SWARM = [
  ['map', 'Cluster'], ['services', 'Services'], ['nodes', 'Nodes'], ['networks', 'Networks'],
  ['images', 'Images'], ['registry', 'Registry'], ['events', 'Events'],
];
const ENGINE = [
  ['containers', 'Containers'], ['images', 'Images'], ['volumes', 'Volumes'], ['networks', 'Networks'],
  ['registry', 'Registry'], ['events', 'Events'],
];

function route() {
  const parts = location.hash.replace(/^#\/?/, '').split('/');
  return { name: parts[0] || '', arg: decodeURIComponent(parts.slice(1).join('/')) };
}

function nav(items, current) {
  return h('nav', { class: 'nav' }, items.map(([name, label]) =>
    h('a', { key: name, href: '#/' + name, class: current === name ? 'current' : '', 'data-nav': name }, label)));
}

function view(r, s) {
  switch (r.name) {
    case 'map': return mapView(s);
    case 'services': return servicesView(s);
    case 'service': return h(ServicePage, { id: r.arg, state: s, version: store.version });
    case 'nodes': return nodesView(s);
    case 'networks': return networksView(s);
    case 'images': return imagesView(s);
    case 'volumes': return volumesView(s);
    case 'registry': return registryView(s);
    case 'events': return eventsView(store.events, store.live);
    case 'containers': return h(ContainersView, { state: s });
    default: return h('p', { class: 'error' }, 'No such page: ' + r.name);
  }
}

function App() {
  const session = store.session;
  const s = store.state;
  if (s) assignHues((s.services || []).map((x) => x.Name));
  const swarm = s ? s.swarm : session && session.swarm;
  const items = (swarm ? SWARM : ENGINE).filter(([n]) => n !== 'registry' || (s && s.registry));
  let r = route();
  if (!r.name) r = { name: swarm ? 'map' : 'containers', arg: '' };
  return h('div', { class: 'shell' + (session && session.readOnly ? ' read-only' : '') },
    h('header', { class: 'top' },
      h('a', { class: 'brand', href: '#/' }, h('img', { src: '/assets/berth.svg', alt: '' }), 'Berth'),
      nav(items, r.name === 'service' ? 'services' : r.name),
      h('div', { class: 'who' },
        h('span', { class: 'live ' + (store.live ? 'on' : 'off'), title: store.live ? 'live: following the events' : 'not connected' }, store.live ? 'live' : 'offline'),
        session && session.readOnly ? h('span', { class: 'badge ro', 'data-read-only': 'true' }, 'read-only') : null,
        session ? h('span', { class: 'engine', title: session.nodeId || '' }, session.engine) : null,
        h('button', { type: 'button', class: 'logout', onClick: () => logout() }, 'Log out'))),
    store.notice ? h('p', { class: 'notice', role: 'status', onClick: () => { store.notice = ''; changed(); } }, store.notice) : null,
    store.error ? h('p', { class: 'error', role: 'alert' }, store.error) : null,
    h('main', null, s ? view(r, s) : h('p', { class: 'boot' }, store.error ? '' : 'Loading…')),
    dialogView());
}

const root = document.getElementById('app');
root.textContent = '';
subscribe(() => render(h(App), root));
addEventListener('hashchange', changed);
addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && store.dialog && !store.dialog.busy) {
    store.dialog = null;
    changed();
  }
});
start();
