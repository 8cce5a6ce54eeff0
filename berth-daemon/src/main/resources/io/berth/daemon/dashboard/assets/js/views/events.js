// The live event feed: what /api/events delivered since the page opened, newest first.

import { h } from '../lib.js';
import { section } from '../ui.js';

function when(ev) {
  const ns = ev.timeNano || (ev.time ? ev.time * 1e9 : 0);
  return ns ? new Date(ns / 1e6).toLocaleTimeString() : '';
}

function subject(ev) {
  const a = (ev.Actor && ev.Actor.Attributes) || {};
  return a.name || a.image || (ev.Actor && ev.Actor.ID ? String(ev.Actor.ID).slice(0, 12) : ev.id || '');
}

export function eventsView(events, live) {
  return section('Events',
    h('p', { class: 'muted' }, live ? 'Live: new events appear at the top.' : 'Not connected: waiting for the event stream…'),
    h('ol', { class: 'feed', 'data-view': 'events' }, events.length
      ? events.map((ev) => h('li', { key: ev.seq },
        h('time', null, when(ev)),
        h('span', { class: 'badge ev-' + String(ev.Type || ev.type || '').toLowerCase() }, ev.Type || ev.type || ''),
        h('strong', null, ev.Action || ev.status || ''),
        h('span', { class: 'ev-subject' }, subject(ev))))
      : h('li', { class: 'muted' }, 'no events since the page opened')));
}
