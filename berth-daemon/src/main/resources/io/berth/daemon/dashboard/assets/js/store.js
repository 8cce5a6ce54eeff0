// The page's one source of truth: the session, the last /api/state snapshot and the live event
// feed. Events from /api/events only mark the snapshot stale; a refetch follows at once unless one
// is in flight, in which case exactly one more follows it (coalescing a burst of events into at
// most two fetches). Listeners are told on the next animation frame, once per frame.
//
// A task's own state changes (starting -> running, a node going down) raise no Docker event, and
// the container event that comes with them may arrive just before the cluster records them. So
// two more refetches follow the last event (after 250 ms and a second), and while the snapshot shows tasks on
// their way (desired running but not yet running, or still running but meant to stop) one a
// second follows, at most SETTLE times in a row, until the next event starts the count again.
// A change on another node that raises no event on this one (a task failing there) is caught by a
// refetch after QUIET seconds without one, while the page is visible.

import { getJSON, useCsrf, toLogin } from './api.js';

const FEED_LIMIT = 300;
const SETTLE = 30;
const QUIET = 10000;
const MOVING = new Set(['new', 'pending', 'assigned', 'accepted', 'ready', 'preparing', 'starting']);

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
let trailing = 0;
let settles = 0;

/** Whether some task is still on its way to the state it is meant to have. */
function moving(state) {
  return (state.tasks || []).some((t) => (t.DesiredState === 'running' ? t.State !== 'running'
    : t.DesiredState === 'shutdown' && (t.State === 'running' || MOVING.has(t.State))));
}

/** One refetch in {@code ms}, replacing any planned. */
function later(ms) {
  clearTimeout(trailing);
  trailing = setTimeout(() => {
    trailing = 0;
    refresh();
  }, ms);
}

let quiet = 0;

/** Plans the refetch that follows QUIET ms without any other. */
function rearmQuiet() {
  clearTimeout(quiet);
  quiet = setTimeout(() => {
    quiet = 0;
    if (document.visibilityState === 'visible') refresh();
    else rearmQuiet();
  }, QUIET);
}

/**
 * A change happened: refetch now, and again 250 ms and a second later, when what the event
 * announced has reached the store (a scale's event comes before its tasks are stopped).
 */
function poke() {
  settles = 0;
  refresh();
  clearTimeout(trailing);
  trailing = setTimeout(() => {
    refresh();
    later(750);
  }, 250);
}

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
      if (s.swarm && moving(s) && settles < SETTLE && !trailing) {
        settles++;
        later(1000);
      }
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
      rearmQuiet();
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
    poke();
  });
  source.addEventListener('docker', (e) => {
    record(e.data);
    poke();
  });
  // a change of the cluster's tasks, which Docker's events do not tell (when the server sends it)
  source.addEventListener('state', poke);
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
