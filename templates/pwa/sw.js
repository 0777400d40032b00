{% autoescape off %}// Recovery Hub's service worker (served at /sw.js by recovery_hub/pwa.py; scope: the site).
//
// What it keeps is an allow-list, and nothing else:
//   - the shell: the static files of the page layout (hashed names: kept until a new worker),
//     and the offline page, which names no one;
//   - the signed-in person's own crisis plan page, so it opens without a connection. It is
//     kept when they open it (or when a page of theirs asks, see static/js/pwa.js) and dropped
//     on sign-out, when a page says no one is signed in, or when the server no longer gives it.
// Any other page, and every API answer, goes to the network and is never stored.
// Pages: the network first; without one, the kept crisis plan (at its own address) or the
// offline page. Web Push: {title, body, url, tag} shows a notification; a tap opens the url
// (a path of this site only).
"use strict";

const CONFIG = {{ config }};
const VERSION = "__VERSION__";
const SHELL_CACHE = `rh-shell-${VERSION}`;
const SHELL_PREFIX = "rh-shell-";
const CRISIS_CACHE = "rh-crisis-plan";
// A kept crisis plan older than this is fetched again when a page of the person's asks.
const CRISIS_MAX_AGE_MS = 12 * 60 * 60 * 1000;
const SHELL_PATHS = new Set(CONFIG.shell);

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      .then((cache) => cache.addAll([...CONFIG.shell, CONFIG.offline]))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith(SHELL_PREFIX) && name !== SHELL_CACHE)
            .map((name) => caches.delete(name)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

function forgetCrisisPlan() {
  return caches.delete(CRISIS_CACHE);
}

// Keep the crisis plan page only as the server gave it to its own person: a 200 answer at its
// own address (not a redirect to the sign-in page, not a 404 for someone who is not a patient).
async function keepCrisisPlan(response) {
  if (response.ok && response.type === "basic" && !response.redirected) {
    const cache = await caches.open(CRISIS_CACHE);
    await cache.put(CONFIG.crisisPlan, response);
  } else {
    await forgetCrisisPlan();
  }
}

async function refreshCrisisPlan() {
  const cache = await caches.open(CRISIS_CACHE);
  const kept = await cache.match(CONFIG.crisisPlan, { ignoreVary: true });
  const keptAt = kept ? Date.parse(kept.headers.get("Date") || "") : NaN;
  if (kept && Date.now() - keptAt < CRISIS_MAX_AGE_MS) return;
  try {
    const response = await fetch(CONFIG.crisisPlan, {
      credentials: "same-origin",
      headers: { "X-Offline-Copy": "1" },
    });
    await keepCrisisPlan(response);
  } catch (error) {
    // No connection: keep what is kept.
  }
}

async function fromNetworkFirst(request, path) {
  try {
    const response = await fetch(request);
    if (path === CONFIG.crisisPlan) await keepCrisisPlan(response.clone());
    return response;
  } catch (error) {
    if (path === CONFIG.crisisPlan) {
      const kept = await caches.match(CONFIG.crisisPlan, {
        cacheName: CRISIS_CACHE,
        ignoreVary: true,
      });
      if (kept) return kept;
    }
    const offline = await caches.match(CONFIG.offline, { cacheName: SHELL_CACHE, ignoreVary: true });
    return offline || Response.error();
  }
}

async function fromCacheFirst(request) {
  const kept = await caches.match(request, { cacheName: SHELL_CACHE, ignoreVary: true });
  return kept || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method !== "GET") {
    // Signing out: the crisis plan goes with the session (the request itself goes on as usual).
    if (url.pathname === CONFIG.signOut) event.waitUntil(forgetCrisisPlan());
    return;
  }
  if (SHELL_PATHS.has(url.pathname) && !url.search) {
    event.respondWith(fromCacheFirst(request));
  } else if (request.mode === "navigate") {
    event.respondWith(fromNetworkFirst(request, url.pathname));
  }
  // Anything else (API calls, htmx fragments, other files): the network, never stored.
});

self.addEventListener("message", (event) => {
  if (event.origin && event.origin !== self.location.origin) return;
  const type = event.data && event.data.type;
  if (type === "keep-crisis-plan") event.waitUntil(refreshCrisisPlan());
  else if (type === "forget-crisis-plan") event.waitUntil(forgetCrisisPlan());
});

// --- Web Push ---------------------------------------------------------------------------------

// A path of this site ("/support/"), or null: a push may not send anyone elsewhere.
function sitePath(value) {
  if (typeof value !== "string" || !value.startsWith("/") || value.startsWith("//")) return null;
  if (value.includes("\\")) return null;
  try {
    const url = new URL(value, self.location.origin);
    return url.origin === self.location.origin ? url.pathname + url.search + url.hash : null;
  } catch (error) {
    return null;
  }
}

function text(value, fallback) {
  return typeof value === "string" && value.trim() ? value : fallback;
}

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = {};
  }
  if (!data || typeof data !== "object") data = {};
  const options = {
    body: text(data.body, ""),
    data: { url: sitePath(data.url) || "/" },
    icon: CONFIG.icon,
    badge: CONFIG.badge,
  };
  const tag = text(data.tag, "");
  if (tag) options.tag = tag;
  event.waitUntil(self.registration.showNotification(text(data.title, CONFIG.title), options));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const path = sitePath(event.notification.data && event.notification.data.url) || "/";
  const target = new URL(path, self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const same = windows.find((client) => client.url === target);
      if (same) return same.focus();
      const open = windows.find((client) => "navigate" in client);
      // navigate() works only in a window this worker controls; otherwise a new window.
      if (open) {
        return open
          .navigate(target)
          .then((client) => (client || open).focus())
          .catch(() => self.clients.openWindow(target));
      }
      return self.clients.openWindow(target);
    }),
  );
});
{% endautoescape %}