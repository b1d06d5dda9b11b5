{% load static %}/* The kiosk's service worker: the page and its files come from the cache when the network is
   down; the API always goes to the network (the page itself queues what it cannot send). */
const CACHE = "fugong-kiosk-v1";
const SHELL = [
  "{{ kiosk }}",
  "{% static 'vendor/bootstrap/bootstrap.min.css' %}",
  "{% static 'fugong/app.css' %}",
  "{% static 'fugong/kiosk.css' %}",
  "{% static 'fugong/kiosk.js' %}",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.pathname.startsWith("/api/")) return;
  // Network first, so that a new version reaches the kiosk; the cache when offline.
  event.respondWith(
    fetch(event.request)
      .then((response) => {
        if (response.ok && SHELL.includes(url.pathname)) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(event.request, copy));
        }
        return response;
      })
      .catch(() => caches.match(event.request))
  );
});
