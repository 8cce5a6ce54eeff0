// Loads the app. Chromium aborts requests in flight when the host's network interfaces change
// (ERR_NETWORK_CHANGED), as they do on a container host whenever a container starts; a module
// that failed to load fails the whole module graph, and the browser remembers the failure until
// the page reloads. So: reload, a few times and more slowly each time, then say what failed.

const KEY = 'berth-dashboard-boot-tries';

import('./main.js')
  .then(() => sessionStorage.removeItem(KEY))
  .catch((e) => {
    const tries = Number(sessionStorage.getItem(KEY) || 0);
    if (tries < 5) {
      sessionStorage.setItem(KEY, String(tries + 1));
      setTimeout(() => location.reload(), 400 * (tries + 1));
      return;
    }
    sessionStorage.removeItem(KEY);
    const p = document.createElement('p');
    p.className = 'error';
    p.textContent = 'The dashboard could not load its scripts (' + e.message + '). Reload the page to try again.';
    document.getElementById('app').replaceChildren(p);
  });
