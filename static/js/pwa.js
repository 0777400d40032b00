// Recovery Hub as an installable app: registers the service worker (/sw.js, see
// templates/pwa/sw.js) and tells it what this page knows about the person signed in.
//   data-service-worker="/sw.js"   register the worker (every page of base.html)
//   data-crisis-plan="/my-...../"   a person in recovery is signed in: keep their crisis plan
//   data-forget-crisis-plan        no one (or not a person in recovery) is signed in: drop it
//   data-offline-page              the offline page: show the crisis plan link if one is kept
(() => {
  const script = document.querySelector("script[data-service-worker], script[data-offline-page]");
  if (!script || !("serviceWorker" in navigator)) return;
  const config = script.dataset;

  if ("offlinePage" in config) {
    const link = document.querySelector("[data-crisis-plan-link]");
    if (!link || !config.crisisPlan || !window.caches) return;
    caches
      .match(config.crisisPlan, { cacheName: "rh-crisis-plan", ignoreVary: true })
      .then((kept) => {
        if (kept) link.hidden = false;
      })
      .catch(() => {});
    return;
  }

  const tell = (message) => {
    navigator.serviceWorker.ready.then((registration) => {
      if (registration.active) registration.active.postMessage(message);
    });
  };

  // After the page has loaded: the worker's first install fetches the shell (and the crisis
  // plan), which must not compete with the page the person opened.
  const register = () =>
    navigator.serviceWorker
      .register(config.serviceWorker, { scope: "/" })
      .then(() => {
        if (config.crisisPlan) tell({ type: "keep-crisis-plan" });
        else if ("forgetCrisisPlan" in config) tell({ type: "forget-crisis-plan" });
      })
      .catch(() => {
        // No worker (a private window, an old browser): the site works as a plain website.
      });
  if (document.readyState === "complete") register();
  else window.addEventListener("load", register, { once: true });
})();
