// The page's one source of truth: the session, the last /api/state snapshot and the live event
// feed. Events from /api/events only mark the snapshot stale; a refetch follows at once unless one
// is in flight, in which case exactly one more follows it (coalescing a burst of events into at
// most two fetches). Listeners are told on the next animation frame, once per frame.

import { getJSON, useCsrf, toLogin } from './api.js';

const FEED_LIMIT = 300;

export const store = {
  session: null,
  state: null,
  error: '',
  live: false,
  events: [],
  /** Counts snapshots; views that fetch more (the service page) refetch when it moves. */
  version: 0,
};

const listeners = new Set();
let frame = 0;

export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function changed() {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    listeners.forEach((fn) => fn());
  });
}

let inFlight = false;
let stale = false;
let retry = 0;

/** Refetches the snapshot now, or right after the fetch in flight. */
export function refresh() {
  if (inFlight) {
    stale = true;
    return;
  }
  inFlight = true;
  stale = false;
  getJSON('/api/state')
    .then((s) => {
      store.state = s;
      store.error = '';
      store.version++;
    })
    .catch((e) => {
      store.error = 'cannot read the state: ' + e.message;
      // try again in a while rather than wait for the next event, which may not come soon
      if (!retry) retry = setTimeout(() => {
        retry = 0;
        refresh();
      }, 2000);
    })
    .finally(() => {
      inFlight = false;
      changed();
      if (stale) refresh();
    });
}

let seq = 0;

function record(data) {
  let ev;
  try {
    ev = JSON.parse(data);
  } catch (e) {
    return;
  }
  // a key for the feed's rows that stays with the event while older ones drop off the end
  ev.seq = ++seq;
  store.events.unshift(ev);
  if (store.events.length > FEED_LIMIT) store.events.length = FEED_LIMIT;
}

let source = null;

/** Opens the event stream; the browser reconnects by itself after a drop. */
function connect() {
  source = new EventSource('/api/events');
  source.addEventListener('hello', () => {
    store.live = true;
    refresh();
  });
  source.addEventListener('docker', (e) => {
    record(e.data);
    refresh();
  });
  source.onerror = () => {
    store.live = false;
    changed();
    // a stream refused for an ended session never comes back: ask once whether that is why
    getJSON('/api/session').catch(() => {});
  };
}

export async function start() {
  try {
    store.session = await getJSON('/api/session');
  } catch (e) {
    store.error = 'cannot read the session: ' + e.message;
    changed();
    return;
  }
  if (!store.session) {
    toLogin();
    return;
  }
  useCsrf(store.session.csrf);
  connect();
  refresh();
}
