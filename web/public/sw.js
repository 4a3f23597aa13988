// The playground's service worker: (1) offline — every same-origin GET goes to the network first and
// is cached, and the cache answers when the network cannot; (2) threads on any static host — the
// responses it hands the page carry the COOP/COEP headers that make the page cross-origin isolated
// (what the WebAssembly kernels' threads need), for hosts that cannot send them (main.ts reloads the
// page once so that the first visit gets them too).
const CACHE = 'scratchnet-playground-v1';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (e) => {
  const req = e.request;
  if (req.method !== 'GET' || new URL(req.url).origin !== self.location.origin) return;
  e.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      let res;
      try {
        res = await fetch(req);
        if (res.ok) e.waitUntil(cache.put(req, res.clone()).catch(() => {})); // in the background: the page reads on meanwhile
      } catch {
        res = await cache.match(req, { ignoreSearch: req.mode === 'navigate' });
        if (!res) return Response.error();
      }
      return isolated(res);
    })(),
  );
});

function isolated(res) {
  if (res.status === 0) return res; // opaque: its headers cannot be set
  const headers = new Headers(res.headers);
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
  headers.set('Cross-Origin-Resource-Policy', 'same-origin');
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}
