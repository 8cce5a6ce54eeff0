// Small pieces the views share: formatting, the colour of a service, state badges and a table
// that turns into stacked cards on a narrow screen (each cell carries its column's label).

import { h } from './lib.js';
import { canWrite } from './actions.js';

export function short(id) {
  return (id || '').slice(0, 12);
}

export function bytes(n) {
  if (n == null || isNaN(n)) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = Number(n);
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return (i === 0 ? v : v.toFixed(v < 10 ? 1 : 0)) + ' ' + units[i];
}

export function cpus(nano) {
  if (nano == null) return '-';
  const v = Number(nano) / 1e9;
  return (Number.isInteger(v) ? v : v.toFixed(2)) + ' CPU';
}

export function ago(ts) {
  if (!ts) return '';
  const t = typeof ts === 'number' ? (ts > 1e12 ? ts : ts * 1000) : Date.parse(ts);
  if (isNaN(t) || t <= 0) return '';
  const s = Math.max(0, Math.round((Date.now() - t) / 1000));
  if (s < 60) return s + ' s ago';
  if (s < 3600) return Math.round(s / 60) + ' min ago';
  if (s < 86400) return Math.round(s / 3600) + ' h ago';
  return Math.round(s / 86400) + ' d ago';
}

/** A hash of a service's name: where its colour starts in the palette. */
function hash(name) {
  let x = 2166136261;
  for (let i = 0; i < (name || '').length; i++) {
    x ^= name.charCodeAt(i);
    x = Math.imul(x, 16777619);
  }
  x ^= x >>> 13;
  return Math.imul(x, 0x5bd1e995) >>> 0;
}

/** Twelve hues ordered so that neighbours differ a lot: a collision's next slot is far from it. */
const PALETTE = [210, 30, 130, 330, 265, 55, 180, 0, 100, 290, 160, 240];
const SLOTS = PALETTE.length;
let hues = new Map();

/**
 * Gives each service a hue of its own while there are at most twelve: a service
 * starts at its name's hash and takes the next free slot, names taken in order, so a service keeps
 * its colour across renders and pages as long as the set of services does not change.
 */
export function assignHues(names) {
  const taken = new Set();
  const next = new Map();
  for (const name of [...names].sort()) {
    let slot = hash(name) % SLOTS;
    for (let i = 0; i < SLOTS && taken.has(slot); i++) slot = (slot + 1) % SLOTS;
    taken.add(slot);
    next.set(name, PALETTE[slot] + (taken.size > SLOTS ? 15 : 0));
  }
  hues = next;
}

export function hue(name) {
  return hues.has(name) ? hues.get(name) : hash(name) % 360;
}

export function serviceStyle(name) {
  return { '--hue': String(hue(name)) };
}

const ENDED = new Set(['complete', 'failed', 'shutdown', 'rejected', 'orphaned', 'remove', 'exited', 'dead']);

export function ended(state) {
  return ENDED.has(String(state || '').toLowerCase());
}

export function badge(state) {
  const s = String(state || 'unknown').toLowerCase();
  return h('span', { class: 'badge st-' + s.replace(/[^a-z]/g, '') }, s);
}

export function ports(list) {
  if (!list || !list.length) return '-';
  return list
    .map((p) => (p.Published || p.PublicPort ? (p.Published || p.PublicPort) + '→' : '') + (p.Target || p.PrivatePort) + '/' + (p.Protocol || p.Type || 'tcp'))
    .join(', ');
}

export function labels(map) {
  const keys = Object.keys(map || {});
  if (!keys.length) return null;
  return h('ul', { class: 'labels' }, keys.sort().map((k) => h('li', { key: k }, map[k] ? k + '=' + map[k] : k)));
}

/**
 * columns: [{label, cell(row), write}]; rows keyed by key(row); columns marked write (actions) are
 * left out for a read-only session. The cells carry data-label, which the
 * narrow-screen CSS shows in front of each value.
 */
export function table(all, rows, key, attrs) {
  // a read-only session has no actions: no column for them either
  const columns = canWrite() ? all : all.filter((c) => !c.write);
  return h('div', { class: 'table-wrap' },
    h('table', Object.assign({ class: 'grid' }, attrs || {}),
      h('thead', null, h('tr', null, columns.map((c) => h('th', { key: c.label }, c.label)))),
      h('tbody', null, rows.length
        ? rows.map((r) => h('tr', { key: key(r), 'data-id': key(r) }, columns.map((c) => h('td', { key: c.label, 'data-label': c.label }, c.cell(r)))))
        : h('tr', null, h('td', { colSpan: columns.length, class: 'empty' }, 'none')))));
}

export function section(title, ...children) {
  return h('section', { class: 'view' }, h('h2', null, title), ...children);
}
