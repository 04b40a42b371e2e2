// Registers the service worker for a signed-in person, so Tonight, the routine and the relief flow open
// with no network. Signed out, it empties the kept pages (they hold the person's own entries). Logging out
// with entries still waiting on this device asks first, since they would be lost.
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) return;
  var signedIn = document.body.getAttribute("data-signed-in") === "true";
  var url = document.body.getAttribute("data-service-worker");
  if (!signedIn) {
    navigator.serviceWorker.getRegistration().then(function (reg) {
      if (reg && reg.active) reg.active.postMessage("forget-pages");
    });
    return;
  }
  // After the page has loaded, so that filling the worker's cache never slows the page being opened.
  function register() {
    if (url) navigator.serviceWorker.register(url, {scope: "/"}).catch(function () { /* works online anyway */ });
  }
  if (document.readyState === "complete") register(); else window.addEventListener("load", register);

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("[data-logout]")) return;
    var waiting = [];
    try { waiting = JSON.parse(localStorage.getItem("nightcramp.outbox.v1") || "[]"); } catch (e) { waiting = []; }
    if (waiting.length && !window.confirm(waiting.length + " entries on this device have not been sent yet " +
        "and will be lost if you log out now. Log out anyway?")) {
      event.preventDefault();
      return;
    }
    localStorage.removeItem("nightcramp.outbox.v1");
    localStorage.removeItem("nightcramp.outbox.failed.v1");
    sessionStorage.clear();
    if (navigator.serviceWorker.controller) navigator.serviceWorker.controller.postMessage("forget-pages");
  }, true);
})();
