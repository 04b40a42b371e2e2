// In-app reminders: while a page of nightcramp is open, show the bedtime stretch or the morning
// check-in reminder when its time comes, in the person's own time zone (the server puts the enabled
// reminders on <body data-reminders>). A reminder shows as a banner until it is dismissed or followed,
// and at most once a day as a system notification (only if the person allowed notifications).
// What was shown and dismissed is remembered in localStorage by the day of the reminder.
(function () {
  var EVERY_MS = 30000;    // how often the clock is checked
  var WINDOW_MIN = 60;     // a reminder is still shown this many minutes after its time
  var STORE = "nightcramp.reminders";
  var memory = {};         // used when localStorage is unavailable (private mode, blocked storage)

  // The feed address on the reminders page: tapping it selects it for copying.
  document.querySelectorAll("[data-select-on-focus]").forEach(function (el) {
    el.addEventListener("focus", function () { el.select(); });
  });

  // The reminders page offers to allow notifications when the browser has not been asked yet.
  function offerNotifications() {
    var offer = document.querySelector("[data-notify-offer]");
    if (!offer || !("Notification" in window) || Notification.permission !== "default") return;
    offer.hidden = false;
    var ask = offer.querySelector("button");
    if (!ask) return;
    ask.addEventListener("click", function () {
      var done = function () { offer.hidden = Notification.permission !== "default"; };
      try {
        var promise = Notification.requestPermission(done);
        if (promise && promise.then) promise.then(done);
      } catch (e) { done(); }
    });
  }
  offerNotifications();

  var body = document.body;
  var raw = body && body.getAttribute("data-reminders");
  if (!raw) return;
  var data;
  try { data = JSON.parse(raw); } catch (e) { return; }
  if (!data || !data.items || !data.items.length) return;

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // Today's date ("2027-01-14") and the minutes since midnight, on the wall clock of `zone`.
  function nowIn(zone) {
    var now = new Date();
    var offset = /^([+-])(\d\d):(\d\d)$/.exec(zone || "");
    if (offset) {
      var minutes = (offset[1] === "-" ? -1 : 1) * (parseInt(offset[2], 10) * 60 + parseInt(offset[3], 10));
      var shifted = new Date(now.getTime() + minutes * 60000);
      return {day: shifted.getUTCFullYear() + "-" + pad(shifted.getUTCMonth() + 1) + "-" + pad(shifted.getUTCDate()),
              minutes: shifted.getUTCHours() * 60 + shifted.getUTCMinutes()};
    }
    try {
      var parts = {};
      new Intl.DateTimeFormat("en-GB", {
        timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit", hourCycle: "h23"
      }).formatToParts(now).forEach(function (p) { parts[p.type] = p.value; });
      var hour = parseInt(parts.hour, 10) % 24;
      return {day: parts.year + "-" + parts.month + "-" + parts.day, minutes: hour * 60 + parseInt(parts.minute, 10)};
    } catch (e) {  // an unknown zone: the device's own clock
      return {day: now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate()),
              minutes: now.getHours() * 60 + now.getMinutes()};
    }
  }

  function dayBefore(day) {
    var p = day.split("-");
    return new Date(Date.UTC(+p[0], +p[1] - 1, +p[2] - 1)).toISOString().slice(0, 10);
  }

  // The day of the reminder's latest time if that was less than WINDOW_MIN minutes ago, else null.
  function dueDay(item, now) {
    var hm = String(item.at).split(":");
    var at = parseInt(hm[0], 10) * 60 + parseInt(hm[1], 10);
    if (isNaN(at)) return null;
    var since = (now.minutes - at + 1440) % 1440;
    if (since >= WINDOW_MIN) return null;
    return now.minutes >= at ? now.day : dayBefore(now.day);
  }

  function load() {
    try {
      var stored = JSON.parse(window.localStorage.getItem(STORE) || "{}");
      return stored && typeof stored === "object" ? stored : {};
    } catch (e) { return memory; }
  }

  function remember(key, field, day) {
    var state = load();
    var entry = state[key] && typeof state[key] === "object" ? state[key] : {};
    entry[field] = day;
    state[key] = entry;
    memory = state;
    try { window.localStorage.setItem(STORE, JSON.stringify(state)); } catch (e) { /* kept in memory */ }
  }

  function region() {
    var box = document.getElementById("reminders");
    if (box) return box;
    box = document.createElement("div");
    box.id = "reminders";
    box.className = "reminders";
    box.setAttribute("role", "status");
    var main = document.getElementById("main") || body;
    main.insertBefore(box, main.firstChild);
    return box;
  }

  function banner(item, day) {
    var card = document.createElement("div");
    card.className = "card notice reminder";
    card.setAttribute("data-reminder", item.key);
    var title = document.createElement("strong");
    title.textContent = item.title;
    var text = document.createElement("p");
    text.textContent = item.text;
    var actions = document.createElement("p");
    actions.className = "row";
    var go = document.createElement("a");
    go.className = "button";
    go.href = item.url;
    go.textContent = item.action;
    go.addEventListener("click", function () { remember(item.key, "done", day); });
    var dismiss = document.createElement("button");
    dismiss.type = "button";
    dismiss.className = "secondary";
    dismiss.textContent = "Dismiss";
    dismiss.addEventListener("click", function () {
      remember(item.key, "done", day);
      if (card.parentNode) card.parentNode.removeChild(card);
    });
    actions.appendChild(go);
    actions.appendChild(dismiss);
    card.appendChild(title);
    card.appendChild(text);
    card.appendChild(actions);
    region().appendChild(card);
  }

  function notify(item) {
    if (!("Notification" in window) || Notification.permission !== "granted") return;
    var options = {body: item.text, tag: "nightcramp-" + item.key};
    var plain = function () { try { new Notification(item.title, options); } catch (e) { /* banner only */ } };
    // Some mobile browsers allow notifications only through a service worker.
    if (navigator.serviceWorker && navigator.serviceWorker.getRegistration) {
      navigator.serviceWorker.getRegistration().then(function (reg) {
        if (reg && reg.showNotification) reg.showNotification(item.title, options); else plain();
      }, plain);
    } else {
      plain();
    }
  }

  function check() {
    var now = nowIn(data.zone);
    var state = load();
    data.items.forEach(function (item) {
      var day = dueDay(item, now);
      if (!day) return;
      var seen = state[item.key] || {};
      if (seen.done === day) return;
      if (!document.querySelector("[data-reminder='" + item.key + "']")) banner(item, day);
      if (seen.shown !== day) {
        remember(item.key, "shown", day);
        notify(item);
      }
    });
  }

  // The first check once the page has loaded: working out the time in the person's zone loads the
  // browser's time zone data, which must not hold up the page at the bedside.
  function start() {
    window.setTimeout(function () {
      try { check(); } catch (e) { return; }
      window.setInterval(function () { try { check(); } catch (e) { /* try again next time */ } }, EVERY_MS);
      document.addEventListener("visibilitychange", function () { if (!document.hidden) check(); });
    }, 0);
  }
  if (document.readyState === "complete") start(); else window.addEventListener("load", start);
})();
