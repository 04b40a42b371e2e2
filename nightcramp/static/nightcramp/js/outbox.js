// The outbox: entries made on this device (cramps, relief details, stretch sessions) wait here until the
// server has them, so nothing is lost without a network. Each entry is a JSON API request; new entries
// carry an id chosen here, so sending one twice stores it once. Entries are sent one at a time, oldest
// first (a cramp's details after the cramp), when the page opens, when the network comes back, and
// every 30 seconds. Any element with data-outbox-status shows what is still waiting.
(function () {
  "use strict";
  var KEY = "nightcramp.outbox.v1";
  var FAILED_KEY = "nightcramp.outbox.failed.v1";
  var listeners = [];
  var sending = null;
  var blocked = "";  // why sending stopped: "", "offline", "signed-out"

  function uuid4() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function read(key) {
    try { return JSON.parse(localStorage.getItem(key) || "[]") || []; } catch (e) { return []; }
  }

  function write(key, items) {
    localStorage.setItem(key, JSON.stringify(items));
    changed();
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (e) { return ""; }
  }

  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  function statusText() {
    var waiting = read(KEY), failed = read(FAILED_KEY), parts = [];
    if (waiting.length) {
      var why = blocked === "signed-out" ? " Sign in again to send them."
        : " They will be sent when the network is back.";
      parts.push(plural(waiting.length, "entry is", "entries are") + " saved on this device, not yet sent: " +
        waiting.map(function (e) { return e.label; }).join(", ") + "." + why);
    }
    if (failed.length) {
      parts.push(plural(failed.length, "entry", "entries") + " could not be stored: " +
        failed.map(function (e) { return e.label + " (" + e.error + ")"; }).join("; ") + ".");
    }
    return parts.join(" ");
  }

  function changed() {
    var text = statusText();
    document.querySelectorAll("[data-outbox-status]").forEach(function (el) {
      el.textContent = text;
      el.hidden = !text;
    });
    listeners.forEach(function (fn) { try { fn(read(KEY)); } catch (e) { /* a listener's own problem */ } });
  }

  function errorOf(response) {
    return response.json().then(function (body) {
      var d = body && body.detail;
      if (Array.isArray(d)) return d.map(function (x) { return (x.field ? x.field + ": " : "") + x.message; }).join("; ");
      return typeof d === "string" ? d : "HTTP " + response.status;
    }, function () { return "HTTP " + response.status; });
  }

  function sendOne(entry) {
    return fetch(entry.url, {
      method: entry.method, credentials: "same-origin", cache: "no-store",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken()},
      body: entry.body === undefined ? undefined : JSON.stringify(entry.body)
    }).then(function (response) {
      if (response.ok) return "sent";
      if (response.status === 401 || response.status === 403) return "signed-out";
      if (response.status >= 500) return "later";
      return errorOf(response).then(function (message) { return {failed: message}; });
    }, function () { return "offline"; });
  }

  // Send everything waiting, oldest first; stop at the first entry that cannot go yet.
  function flush() {
    if (sending) return sending;
    sending = new Promise(function (resolve) {
      function next() {
        var waiting = read(KEY);
        if (!waiting.length) { blocked = ""; changed(); return resolve(); }
        var entry = waiting[0];
        sendOne(entry).then(function (outcome) {
          if (outcome === "offline" || outcome === "later" || outcome === "signed-out") {
            blocked = outcome === "signed-out" ? "signed-out" : "offline";
            changed();
            return resolve();
          }
          var rest = read(KEY).filter(function (e) { return e.key !== entry.key; });
          if (outcome !== "sent") {
            var failed = read(FAILED_KEY);
            failed.push({label: entry.label, error: outcome.failed, key: entry.key});
            localStorage.setItem(FAILED_KEY, JSON.stringify(failed.slice(-20)));
          }
          write(KEY, rest);
          next();
        });
      }
      next();
    }).then(function () { sending = null; });
    return sending;
  }

  // Queue a request and try to send it at once. Returns a promise that resolves when this entry has
  // been sent (true) or is still waiting on the device (false).
  function add(method, url, body, label) {
    var entry = {key: uuid4(), method: method, url: url, body: body, label: label || method + " " + url,
                 queued_at: new Date().toISOString()};
    var waiting = read(KEY);
    waiting.push(entry);
    write(KEY, waiting);
    return flush().then(function () {
      return !read(KEY).some(function (e) { return e.key === entry.key; });
    });
  }

  function forget() {  // used on log-out: another person may use this browser next
    localStorage.removeItem(KEY);
    localStorage.removeItem(FAILED_KEY);
  }

  window.nightcrampOutbox = {
    add: add, flush: flush, uuid: uuid4, pending: function () { return read(KEY); },
    failed: function () { return read(FAILED_KEY); }, onChange: function (fn) { listeners.push(fn); },
    forget: forget, status: statusText
  };

  window.addEventListener("online", function () { flush(); });
  document.addEventListener("visibilitychange", function () { if (!document.hidden) flush(); });
  setInterval(function () { if (read(KEY).length) flush(); }, 30000);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { changed(); flush(); });
  else { changed(); flush(); }
})();
