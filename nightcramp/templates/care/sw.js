// nightcramp's service worker (rendered by nightcramp.care.offline). It keeps the Tonight page, the
// bedtime routine and the relief flow with every file they load, so they work with no network.
// Pages: network first (so they are fresh whenever the server answers), the kept copy when it does not.
// Static files: the kept copy (its cache name changes with every version of the files).
// Writes (POST, PATCH, ...) always go to the network; the pages' outbox keeps them when that fails.
// A kept page holds the person's own entries, so signing out (or in) empties the page cache.
"use strict";
var CONFIG = {{ config|safe }};
var STATIC_CACHE = "nightcramp-static-" + CONFIG.version;
var PAGE_CACHE = "nightcramp-pages-v1";

self.addEventListener("install", function (event) {
  event.waitUntil((async function () {
    var cache = await caches.open(STATIC_CACHE);
    await cache.addAll(CONFIG.assets.concat([CONFIG.offline]));
    await keepPages();
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", function (event) {
  event.waitUntil((async function () {
    var names = await caches.keys();
    await Promise.all(names.filter(function (n) { return n.startsWith("nightcramp-static-") && n !== STATIC_CACHE; })
      .map(function (n) { return caches.delete(n); }));
    await self.clients.claim();
  })());
});

// Fetch the offline pages while signed in, so they are there before the first night without signal.
async function keepPages() {
  var cache = await caches.open(PAGE_CACHE);
  await Promise.all(CONFIG.pages.map(async function (url) {
    try {
      var response = await fetch(url, {credentials: "same-origin", redirect: "follow", cache: "no-store"});
      if (isKeepable(response, url)) await cache.put(url, response);
    } catch (e) { /* offline while installing: the pages are kept the next time they are opened */ }
  }));
}

function isKeepable(response, url) {
  // Only a page that really is the one asked for: never a redirect to the log-in page.
  return response.ok && !response.redirected && new URL(response.url).pathname === new URL(url, self.location).pathname;
}

function pageKey(url) {
  var path = new URL(url).pathname;
  return CONFIG.pages.indexOf(path) >= 0 ? path : null;
}

self.addEventListener("message", function (event) {
  if (event.data === "keep-pages") event.waitUntil(keepPages());
  if (event.data === "forget-pages") event.waitUntil(caches.delete(PAGE_CACHE));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith(CONFIG.static)) {
    event.respondWith(caches.match(request, {cacheName: STATIC_CACHE}).then(function (hit) {
      return hit || fetch(request);
    }));
    return;
  }
  if (request.mode !== "navigate") return;
  event.respondWith((async function () {
    try {
      var response = await fetch(request);
      var finalPath = new URL(response.url).pathname;
      if (finalPath === CONFIG.login) await caches.delete(PAGE_CACHE);  // signed out: keep nobody's pages
      var key = pageKey(request.url);
      if (key && isKeepable(response, request.url)) {
        var cache = await caches.open(PAGE_CACHE);
        await cache.put(key, response.clone());
      }
      return response;
    } catch (e) {
      var key2 = pageKey(request.url);
      var kept = key2 && await caches.match(key2, {cacheName: PAGE_CACHE});
      return kept || await caches.match(CONFIG.offline, {cacheName: STATIC_CACHE}) ||
        new Response("You are offline.", {status: 503, headers: {"Content-Type": "text/plain"}});
    }
  })());
});
