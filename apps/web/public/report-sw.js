/* global self, caches */
/* The citizen pages' service worker: after one visit with signal, /report and /track open without
   one (network first, the last good copy as fallback). Reports themselves are kept by the page
   (localStorage outbox) and sent when the connection returns; API calls are never cached here. */
const CACHE = 'citizen-shell-v1';
self.addEventListener('install', (e) => {
  e.waitUntil(
    caches
      .open(CACHE)
      .then((c) => c.addAll(['/report', '/report.webmanifest', '/citizen-icon.svg']))
      .then(() => self.skipWaiting()),
  );
});
self.addEventListener('activate', (e) => {
  e.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});
self.addEventListener('fetch', (e) => {
  const url = new URL(e.request.url);
  if (e.request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/'))
    return;
  const shell = url.pathname === '/report' || url.pathname.startsWith('/track');
  if (
    !shell &&
    !url.pathname.startsWith('/assets/') &&
    !url.pathname.startsWith('/citizen-icon') &&
    url.pathname !== '/report.webmanifest'
  )
    return;
  e.respondWith(
    fetch(e.request)
      .then((res) => {
        if (res.ok) {
          const copy = res.clone();
          void caches.open(CACHE).then((c) => c.put(shell ? '/report' : e.request, copy));
        }
        return res;
      })
      .catch(() => caches.match(shell ? '/report' : e.request).then((r) => r || Response.error())),
  );
});
