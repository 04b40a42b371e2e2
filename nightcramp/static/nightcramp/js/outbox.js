// The outbox: entries made on this device (cramps, relief details, stretch sessions) wait here until the
// server has them, so nothing is lost without a network. Each entry is a JSON API request; new entries
// carry an id chosen here, so sending one twice stores it once. Entries are sent one at a time, oldest
// first (a cramp's details after the cramp), when the page opens, when the network comes back, and
// every 30 seconds, each with this device's time at the moment it is sent (X-Client-Time), so the
// server can correct the times it holds for a clock that is fast or slow (docs/api.md).
//
// An entry is never dropped. One the server refuses stays on this device, with the reason in plain
// words, until the person corrects and resends it or discards it on purpose (the "Not saved" box,
// shown after the first [data-outbox-status] element, or in [data-outbox-refused] where a page has one).
// Entries that belong to a refused one (a cramp's details) wait for it.
//
// For callers: add(method, url, body, label) returns a promise of the entry's outcome once it has been
// tried, {key, state, reason, blocked} (state also as status): state "sent" (the server stored it), "waiting" (kept on this
// device; blocked says why: "offline" or "signed-out") or "refused" (reason: why, in words for people).
// The promise also carries .key at once; watch(key, fn) calls fn with the outcome now and at each change
// (a waiting entry later sent or refused). Say "saved" only for "sent".
(function () {
  "use strict";
  var KEY = "nightcramp.outbox.v1";
  var FAILED_KEY = "nightcramp.outbox.failed.v1";
  var CLOCK_KEY = "nightcramp.clock.v1";  // server time minus this device's time, in ms, as last seen
  var NEGLIGIBLE_MS = 5000, MAX_OFFSET_MS = 24 * 3600 * 1000;  // as nightcramp/clock.py
  var listeners = [], watchers = [], sent = {}, confirming = {};
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

  function store(key, items) { localStorage.setItem(key, JSON.stringify(items)); }

  function write(key, items) {
    store(key, items);
    changed();
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (e) { return ""; }
  }

  // ---- the clock -------------------------------------------------------------------------------
  // The server's clock as last heard (X-Server-Time), only to show times as the diary will hold them.
  function rawOffsetMs() {
    var value = Number(localStorage.getItem(CLOCK_KEY) || "0");
    return isFinite(value) ? value : 0;
  }

  // The offset the server corrects by (none when it would not believe it): to show a time as stored.
  function offsetMs() {
    var value = rawOffsetMs();
    return Math.abs(value) >= NEGLIGIBLE_MS && Math.abs(value) <= MAX_OFFSET_MS ? value : 0;
  }

  function heard(response, sentAt) {
    var server = Date.parse(response.headers.get("X-Server-Time") || "");
    if (isNaN(server)) return NaN;
    var now = Date.now(), offset = server - (sentAt + now) / 2;  // the server read its clock mid-way
    localStorage.setItem(CLOCK_KEY, String(Math.round(offset)));
    return server + (now - sentAt) / 2;
  }

  function trueTime(date) { return new Date((date ? new Date(date).getTime() : Date.now()) + offsetMs()); }

  function two(n) { return ("0" + n).slice(-2); }
  function hhmm(d) { return two(d.getHours()) + ":" + two(d.getMinutes()); }
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December"];
  function dayAndTime(d, today) {
    return hhmm(d) + (d.toDateString() === today.toDateString() ? "" : " on " + d.getDate() + " " + MONTHS[d.getMonth()]);
  }
  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  // ---- what an entry is ------------------------------------------------------------------------
  // The entry it belongs to: its own id for a new entry, the id in the address for a change.
  function refOf(entry) {
    if (entry.method === "POST") return entry.body && entry.body.id ? String(entry.body.id) : entry.key;
    var parts = String(entry.url).replace(/\/+$/, "").split("/");
    return parts[parts.length - 1];
  }

  function refusedRefs() {
    var refs = {};
    read(FAILED_KEY).forEach(function (e) { if (e.url) refs[refOf(e)] = e; });
    return refs;
  }

  function heldBy(entry, refs) { return (refs || refusedRefs())[refOf(entry)]; }

  // ---- refusals, in words for people -----------------------------------------------------------
  var FIELD_WORDS = {
    duration_s: "how long it lasted", leg: "the leg", muscle: "the muscle", severity: "how bad it was",
    woke: "whether it woke you", relief: "what helped", relief_helped: "whether it helped", note: "the note",
    tz: "the time zone", routine: "the stretch routine", extras: "the extra stretches",
    holds_done: "the number of holds", id: "the entry's number"
  };

  function timeWords(entry, field, message, serverNow) {
    var value = entry.body && entry.body[field];
    var what = field === "ended_at" ? "end time" : (entry.kind === "stretch" || /stretch/.test(entry.label)
      ? "start time" : "time");
    if (/future|later than now/i.test(message) && value) {
      var at = new Date(value), now = new Date(serverNow || Date.now()), ahead = at - now;
      var text = "The " + what + " " + dayAndTime(at, now) + " is later than now on the server" +
        (serverNow ? " (" + dayAndTime(now, now) + ")" : "") + ".";
      if (ahead > 60000) {
        var hours = ahead / 3600000;
        text += " This device's clock may be " + (hours >= 36 ? plural(Math.round(hours / 24), "day", "days")
          : hours >= 2 ? plural(Math.round(hours), "hour", "hours")
          : plural(Math.round(ahead / 60000), "minute", "minutes")) + " fast.";
      }
      return text;
    }
    if (/before it started/i.test(message)) return "The stretch seems to end before it began.";
    if (/two hours/i.test(message)) return "The stretch seems to have lasted more than two hours.";
    return "The server could not read the " + what + ".";
  }

  function reasonOf(entry, status, body, serverNow) {
    if (status === 404) {
      return entry.method === "POST" ? "The server has no place for this entry (error 404)."
        : "It belongs to an entry that is no longer in your diary (it may have been deleted).";
    }
    if (status === 409) return "Its number is already used by another entry, so it cannot be stored.";
    if (status === 413) return "It is too large for the server.";
    var detail = body && body.detail, sentences = [];
    if (Array.isArray(detail)) {
      detail.forEach(function (d) {
        var field = d && d.field ? String(d.field).split(".")[0] : "", message = (d && d.message) || "";
        var sentence = field === "started_at" || field === "ended_at" ? timeWords(entry, field, message, serverNow)
          : field === "tz" ? "The server does not know the time zone this device is set to."
          : FIELD_WORDS[field] ? "The server did not accept " + FIELD_WORDS[field] + "."
          : "The server did not accept this entry.";
        if (sentences.indexOf(sentence) < 0) sentences.push(sentence);
      });
    }
    return sentences.join(" ") || "The server did not accept it (error " + status + ").";
  }

  // ---- sending ---------------------------------------------------------------------------------
  function sendOne(entry) {
    var headers = {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken()};
    var sentAt = Date.now();
    // Times the person corrected by hand are already on the server's clock: nothing to correct.
    if (!entry.serverTime) headers["X-Client-Time"] = new Date(sentAt).toISOString();
    return fetch(entry.url, {
      method: entry.method, credentials: "same-origin", cache: "no-store", headers: headers,
      body: entry.body === undefined ? undefined : JSON.stringify(entry.body)
    }).then(function (response) {
      var serverNow = heard(response, sentAt);
      if (response.ok) return "sent";
      if (response.status === 401 || response.status === 403) return "signed-out";
      if (response.status >= 500 || response.status === 408 || response.status === 429) return "later";
      return response.json().catch(function () { return null; }).then(function (body) {
        return {refused: reasonOf(entry, response.status, body, serverNow), status: response.status};
      });
    }, function () { return "offline"; });
  }

  // Send everything waiting, oldest first; stop when the network or the sign-in is missing. An entry
  // that belongs to a refused one waits for it.
  function flush() {
    if (sending) return sending;
    sending = new Promise(function (resolve) {
      var tried = {};
      function next() {
        var refs = refusedRefs();
        var entry = read(KEY).filter(function (e) { return !tried[e.key] && !heldBy(e, refs); })[0];
        if (!entry) { blocked = ""; changed(); return resolve(); }
        tried[entry.key] = true;
        sendOne(entry).then(function (outcome) {
          if (outcome === "offline" || outcome === "later" || outcome === "signed-out") {
            blocked = outcome === "signed-out" ? "signed-out" : "offline";
            changed();
            return resolve();
          }
          var rest = read(KEY).filter(function (e) { return e.key !== entry.key; });
          if (outcome === "sent") {
            sent[entry.key] = true;
          } else {
            var failed = read(FAILED_KEY).filter(function (e) { return e.key !== entry.key; });
            entry.reason = outcome.refused;
            entry.status = outcome.status;
            entry.refused_at = new Date().toISOString();
            failed.push(entry);
            store(FAILED_KEY, failed);  // every one is kept, however many: none is ever dropped
          }
          write(KEY, rest);
          next();
        });
      }
      next();
    }).then(function () { sending = null; });
    return sending;
  }

  function outcomeOf(key) {
    var outcome = stateOf(key);
    outcome.status = outcome.state;  // the same, under the name some callers read
    return outcome;
  }

  function stateOf(key) {
    if (sent[key]) return {key: key, state: "sent", reason: "", blocked: ""};
    var refused = read(FAILED_KEY).filter(function (e) { return e.key === key; })[0];
    if (refused) return {key: key, state: "refused", reason: refused.reason || refused.error || "", blocked: ""};
    var waiting = read(KEY).filter(function (e) { return e.key === key; })[0];
    if (waiting) {
      var held = heldBy(waiting);
      return {key: key, state: "waiting", blocked: held ? "held" : blocked || (sending ? "sending" : "offline"),
              reason: held ? "It waits for the " + held.label + ", which was not accepted." : ""};
    }
    return {key: key, state: "gone", reason: "", blocked: ""};
  }

  // Queue a request and try to send it at once; see the top of this file for what it answers.
  function add(method, url, body, label, options) {
    var entry = {key: uuid4(), method: method, url: url, body: body, label: label || "entry",
                 queued_at: new Date().toISOString(), kind: (options && options.kind) || ""};
    var waiting = read(KEY);
    waiting.push(entry);
    write(KEY, waiting);
    var promise = flush().then(function () { return outcomeOf(entry.key); });
    promise.key = entry.key;
    return promise;
  }

  function watch(key, fn) {
    var watcher = {key: key, fn: fn, last: ""};
    watchers.push(watcher);
    notify(watcher);
  }

  function notify(watcher) {
    var outcome = outcomeOf(watcher.key), sig = outcome.state + "|" + outcome.blocked + "|" + outcome.reason;
    if (sig === watcher.last) return;
    watcher.last = sig;
    try { watcher.fn(outcome); } catch (e) { /* a watcher's own problem */ }
  }

  // ---- correcting, resending and discarding a refused entry ------------------------------------
  function takeRefused(key) {
    var failed = read(FAILED_KEY), entry = failed.filter(function (e) { return e.key === key; })[0];
    if (!entry) return null;
    store(FAILED_KEY, failed.filter(function (e) { return e.key !== key; }));
    delete confirming[key];
    return entry;
  }

  function resend(key, changes) {
    var entry = takeRefused(key);
    if (!entry || !entry.url) { changed(); return Promise.resolve(outcomeOf(key)); }
    if (changes) {
      Object.keys(changes.body || {}).forEach(function (k) { entry.body[k] = changes.body[k]; });
      if (changes.label) entry.label = changes.label;
      if (changes.serverTime) entry.serverTime = true;
    }
    delete entry.reason; delete entry.status; delete entry.refused_at;
    var waiting = read(KEY);
    waiting.unshift(entry);  // before anything that waits for it
    write(KEY, waiting);
    return flush().then(function () { return outcomeOf(key); });
  }

  // The time the person typed (HH:MM, on the server's clock, as the diary shows it): the latest such
  // moment not later than now; a time later than now means yesterday, as on Tonight.
  function atTime(value) {
    var parts = String(value).split(":"), now = new Date(Date.now() + rawOffsetMs()), when = new Date(now);
    when.setHours(Number(parts[0]), Number(parts[1]), 0, 0);
    if (when > now) when.setDate(when.getDate() - 1);
    return when;
  }

  function resendAt(key, value) {
    var entry = read(FAILED_KEY).filter(function (e) { return e.key === key; })[0];
    if (!entry || !entry.body || !entry.body.started_at || !/^\d\d:\d\d/.test(value || "")) return resend(key);
    var when = atTime(value), body = {started_at: when.toISOString()};
    if (entry.body.ended_at) {  // a stretch keeps its length
      body.ended_at = new Date(when.getTime() + Date.parse(entry.body.ended_at) - Date.parse(entry.body.started_at))
        .toISOString();
    }
    var label = String(entry.label).replace(/\d\d:\d\d/, hhmm(when));
    return resend(key, {body: body, label: label, serverTime: true});
  }

  function dependents(entry) {
    var ref = refOf(entry);
    return read(KEY).filter(function (e) { return e.key !== entry.key && refOf(e) === ref; });
  }

  function discard(key) {
    var entry = takeRefused(key);
    if (entry && entry.url) {
      var gone = dependents(entry).map(function (e) { return e.key; });
      store(KEY, read(KEY).filter(function (e) { return gone.indexOf(e.key) < 0; }));
    }
    changed();
  }

  // ---- what the page shows ---------------------------------------------------------------------
  // brief: for a page's own box that already names the one entry waiting (Tonight's offline note).
  function statusText(brief, besideBox) {
    var refs = refusedRefs(), waiting = read(KEY), failed = read(FAILED_KEY), parts = [];
    var held = waiting.filter(function (e) { return heldBy(e, refs); });
    var free = waiting.filter(function (e) { return !heldBy(e, refs); });
    if (free.length) {
      var one = free.length === 1;
      var why = blocked === "signed-out" ? " Sign in again to send " + (one ? "it." : "them.")
        : blocked === "offline" || !navigator.onLine ? (one ? " It" : " They") + " will be sent when the network is back."
        : " Sending now.";
      parts.push(brief && one ? "Saved on this device, not yet sent." + why
        : plural(free.length, "entry is", "entries are") + " saved on this device, not yet sent: " +
          free.map(function (e) { return e.label; }).join(", ") + "." + why);
    }
    if (failed.length && !besideBox) {
      parts.push(plural(failed.length, "entry was", "entries were") + " not accepted by the server and " +
        (failed.length === 1 ? "is" : "are") + " kept on this device: see \u201cNot saved\u201d." +
        (held.length ? " " + plural(held.length, "entry waits", "entries wait") + " for " +
          (failed.length === 1 ? "it." : "them.") : ""));
    }
    return parts.join(" ");
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }

  function refusedBox() {
    var box = document.querySelector("[data-outbox-refused]");
    if (box) return box;
    var anchor = document.querySelector("[data-outbox-status]");
    if (!anchor || !anchor.parentNode) return null;
    box = el("section", {"class": "card outbox-refused", "data-outbox-refused": "", "hidden": "",
                         "aria-labelledby": "outbox-refused-heading"});
    anchor.parentNode.insertBefore(box, anchor.nextSibling);
    return box;
  }

  function localValue(iso) {
    var d = new Date(iso), now = trueTime();
    var corrected = new Date(d.getTime() + offsetMs());
    return hhmm(corrected > now ? now : corrected);
  }

  function refusedItem(entry) {
    var item = el("li", {"data-refused-entry": entry.key});
    var text = el("p");
    text.appendChild(el("strong", {}, entry.label.charAt(0).toUpperCase() + entry.label.slice(1)));
    text.appendChild(document.createTextNode(": " + (entry.reason || "the server did not accept it.")));
    item.appendChild(text);
    if (!entry.url) {  // kept by an older version of the app, without what it takes to send it again
      var gone = el("button", {"type": "button", "class": "danger", "data-discard": ""}, "Remove this note");
      item.appendChild(gone);
      return item;
    }
    if (entry.body && entry.body.started_at) {
      var id = "outbox-time-" + entry.key;
      item.appendChild(el("label", {"for": id}, entry.body.ended_at ? "When it began" : "When it started"));
      var row = el("div", {"class": "row"});
      var input = el("input", {"type": "time", "id": id, "data-time": "", "required": ""});
      input.value = localValue(entry.body.started_at);
      row.appendChild(input);
      row.appendChild(el("button", {"type": "button", "data-resend-time": ""}, "Send with this time"));
      item.appendChild(row);
    }
    var actions = el("div", {"class": "row"});
    actions.appendChild(el("button", {"type": "button", "class": "secondary", "data-resend": ""}, "Send again as it is"));
    actions.appendChild(el("button", {"type": "button", "class": "danger", "data-discard": ""}, "Discard\u2026"));
    item.appendChild(actions);
    if (confirming[entry.key]) {
      var more = dependents(entry).length;
      var ask = el("div", {"class": "confirm", "role": "alert"});
      ask.appendChild(el("p", {}, "Discard the " + entry.label + (more ? " and what was added to it" : "") +
        "? It will not be in your diary, and this cannot be undone."));
      var yes = el("div", {"class": "row"});
      yes.appendChild(el("button", {"type": "button", "class": "danger", "data-discard-yes": ""}, "Yes, discard it"));
      yes.appendChild(el("button", {"type": "button", "class": "secondary", "data-discard-no": ""}, "Keep it"));
      ask.appendChild(yes);
      item.appendChild(ask);
    }
    return item;
  }

  function renderRefused() {
    var box = refusedBox();
    if (!box) return;
    var failed = read(FAILED_KEY);
    var sig = JSON.stringify(failed.map(function (e) { return [e.key, e.reason, !!confirming[e.key]]; }));
    if (box.getAttribute("data-showing") === sig) return;  // keep what the person is typing
    box.setAttribute("data-showing", sig);
    box.innerHTML = "";
    box.hidden = !failed.length;
    if (!failed.length) return;
    box.appendChild(el("h2", {"id": "outbox-refused-heading", "tabindex": "-1"},
                       failed.length === 1 ? "Not saved: 1 entry needs you" : "Not saved: " + failed.length + " entries need you"));
    box.appendChild(el("p", {}, "The server did not accept " + (failed.length === 1 ? "this entry" : "these entries") +
      ". " + (failed.length === 1 ? "It is" : "They are") + " still on this device: correct and send " +
      (failed.length === 1 ? "it" : "each") + " again, or discard it."));
    var list = el("ul", {"class": "refused-list"});
    failed.forEach(function (entry) { list.appendChild(refusedItem(entry)); });
    box.appendChild(list);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-refused-entry] button");
    if (!button) return;
    var item = button.closest("[data-refused-entry]"), key = item.getAttribute("data-refused-entry");
    if (button.hasAttribute("data-resend-time")) {
      var input = item.querySelector("[data-time]");
      if (!input.value) { input.focus(); return; }
      resendAt(key, input.value);
    } else if (button.hasAttribute("data-resend")) {
      resend(key);
    } else if (button.hasAttribute("data-discard")) {
      if (!read(FAILED_KEY).filter(function (e) { return e.key === key; })[0].url) return discard(key);
      confirming[key] = true; changed();
      var yes = document.querySelector('[data-refused-entry="' + key + '"] [data-discard-yes]');
      if (yes) yes.focus();
    } else if (button.hasAttribute("data-discard-yes")) {
      discard(key);
    } else if (button.hasAttribute("data-discard-no")) {
      delete confirming[key]; changed();
      var again = document.querySelector('[data-refused-entry="' + key + '"] [data-discard]');
      if (again) again.focus();
    }
  });

  function changed() {
    renderRefused();
    // A page may show the status in a place of its own (data-outbox-status="main"): then only there.
    // Right above the "Not saved" box it need not point to that box.
    var main = document.querySelector('[data-outbox-status="main"]');
    document.querySelectorAll("[data-outbox-status]").forEach(function (node) {
      var next = node.nextElementSibling;
      var text = statusText(node === main, !!(next && next.hasAttribute("data-outbox-refused")));
      node.textContent = text;
      node.hidden = !text || (main !== null && node !== main);
    });
    listeners.forEach(function (fn) { try { fn(read(KEY)); } catch (e) { /* a listener's own problem */ } });
    watchers.forEach(notify);
    watchers = watchers.filter(function (w) { return w.last.indexOf("sent|") !== 0 && w.last.indexOf("gone|") !== 0; });
  }

  function forget() {  // used on log-out: another person may use this browser next
    localStorage.removeItem(KEY);
    localStorage.removeItem(FAILED_KEY);
  }

  window.nightcrampOutbox = {
    add: add, flush: flush, uuid: uuid4, pending: function () { return read(KEY); },
    failed: function () { return read(FAILED_KEY); }, onChange: function (fn) { listeners.push(fn); },
    watch: watch, outcome: outcomeOf, resend: resend, resendAt: resendAt, discard: discard,
    trueTime: trueTime, refresh: changed, forget: forget, status: statusText
  };

  window.addEventListener("online", function () { flush(); });
  window.addEventListener("offline", function () { changed(); });
  document.addEventListener("visibilitychange", function () { if (!document.hidden) flush(); });
  setInterval(function () { if (read(KEY).length) flush(); }, 30000);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { changed(); flush(); });
  else { changed(); flush(); }
})();
