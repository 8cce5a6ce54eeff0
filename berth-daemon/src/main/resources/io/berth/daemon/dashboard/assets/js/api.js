// Calls to the dashboard's JSON API. A 401 means the session ended (logged out, token revoked):
// the page goes back to the login form. Errors carry the server's own message.

let csrf = '';

/** Remembers the session's CSRF token, sent with every write as X-Berth-Csrf. */
export function useCsrf(token) {
  csrf = token || '';
}

export function toLogin() {
  location.assign('/login');
}

async function failure(r, what) {
  let text = '';
  try {
    text = await r.text();
    const body = JSON.parse(text);
    if (body && body.message) return new Error(body.message);
  } catch (e) {
    // not JSON: the status line and any text say what happened
  }
  return new Error(`${what}: ${r.status} ${r.statusText}${text ? ' ' + text.slice(0, 200) : ''}`);
}

/**
 * fetch, tried again (three times in all, 300 ms apart) when the request failed on the network
 * before any answer: Chromium aborts requests in flight when the host's interfaces change
 * (ERR_NETWORK_CHANGED), which a container engine's host does each time a container starts.
 * Only for requests that may be repeated (reads, and writes that set a value).
 */
async function fetchAgain(path, init) {
  for (let i = 1; ; i++) {
    try {
      return await fetch(path, init);
    } catch (e) {
      if (i >= 3) throw new Error('cannot reach the dashboard (' + e.message + ')');
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

export async function getJSON(path) {
  const r = await fetchAgain(path, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
  if (r.status === 401) {
    toLogin();
    throw new Error('the session ended');
  }
  if (!r.ok) throw await failure(r, 'GET ' + path);
  return r.json();
}

/**
 * A write (POST or DELETE) with the CSRF header; resolves to the parsed body or null. Only an
 * idempotent one (scale to n, set an availability, remove a container) is tried again after a
 * network failure; a rollback is sent once.
 */
export async function send(method, path, body, idempotent) {
  const headers = { 'X-Berth-Csrf': csrf, Accept: 'application/json' };
  // the page's Referrer-Policy may be no-referrer, under which a browser sends "Origin: null" with a
  // POST; same-origin lets it send the real origin, which the server checks against cross-site writes
  const init = { method, headers, credentials: 'same-origin', referrerPolicy: 'same-origin' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const r = idempotent ? await fetchAgain(path, init) : await fetch(path, init);
  if (r.status === 401) {
    toLogin();
    throw new Error('the session ended');
  }
  if (!r.ok) throw await failure(r, method + ' ' + path);
  const text = await r.text();
  return text ? JSON.parse(text) : null;
}

export async function logout() {
  await fetch('/logout', { method: 'POST', headers: { 'X-Berth-Csrf': csrf }, credentials: 'same-origin', referrerPolicy: 'same-origin' });
  toLogin();
}
