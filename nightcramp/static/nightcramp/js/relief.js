// Relief during a cramp: which muscle, the stretch for it, then stand and walk, with a clock running
// since the cramp began. Without a logged cramp, choosing the muscle logs one (from when the page
// opened); when it is over, its duration, muscle and what helped are saved. Everything goes through
// the outbox, so it works offline.
// Past 10 minutes despite stretching, the page says to get medical advice today, and why.
(function () {
  "use strict";
  var root = document.querySelector("[data-relief]");
  if (!root || !window.nightcrampOutbox) return;
  var outbox = window.nightcrampOutbox;
  var CURRENT = "nightcramp.relief.current";
  var MAX_OPEN_MS = 30 * 60 * 1000;  // a flow started longer ago than this is not the same cramp
  var longMs = Number(root.getAttribute("data-long-seconds")) * 1000;
  var $ = function (sel) { return root.querySelector(sel); };
  var $$ = function (sel) { return Array.prototype.slice.call(root.querySelectorAll(sel)); };
  var state = null;

  function zone() {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined; } catch (e) { return undefined; }
  }
  function hhmm(d) { return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2); }
  function save() { sessionStorage.setItem(CURRENT, JSON.stringify(state)); }

  function begin() {
    var given = root.getAttribute("data-episode");
    var kept = null;
    try { kept = JSON.parse(sessionStorage.getItem(CURRENT) || "null"); } catch (e) { kept = null; }
    if (given) {
      state = kept && kept.id === given ? kept
        : {id: given, started: root.getAttribute("data-started"), step: "muscle", muscle: ""};
    } else if (kept && !kept.given && Date.now() - Date.parse(kept.started) < MAX_OPEN_MS) {
      state = kept;  // the page was reloaded during the same cramp: it is already logged
    } else {
      // The clock starts now; the cramp is logged when the person says where it is, so opening the
      // page only to read it logs nothing.
      state = {id: outbox.uuid(), started: new Date().toISOString(), step: "muscle", muscle: "", logged: false};
    }
    state.given = !!given;
    if (state.given) state.logged = true;
    save();
  }

  function logOnce() {
    if (state.logged) return;
    var started = new Date(state.started);
    outbox.add("POST", root.getAttribute("data-create-url"),
               {id: state.id, started_at: started.toISOString(), tz: zone()}, "cramp at " + hhmm(started));
    state.logged = true;
    save();
  }

  function show(step) {
    state.step = step;
    save();
    $$("[data-step]").forEach(function (section) {
      var name = section.getAttribute("data-step");
      section.hidden = !(name === step && (name !== "stretch" || section.getAttribute("data-for") === state.muscle));
    });
    var visible = $("[data-step]:not([hidden]) h2");
    if (visible) { visible.setAttribute("tabindex", "-1"); visible.focus(); }
  }

  function elapsedMs() { return Date.now() - Date.parse(state.started); }

  function words(ms) {
    var minutes = Math.floor(ms / 60000);
    return minutes + (minutes === 1 ? " minute" : " minutes");
  }

  function tick() {
    var ms = Math.max(0, elapsedMs()), total = Math.floor(ms / 1000);
    $("[data-elapsed]").textContent = Math.floor(total / 60) + ":" + ("0" + (total % 60)).slice(-2);
    var stretched = state.muscle !== "";
    if (ms > longMs && stretched) {
      var box = $("[data-escalate]");
      $("[data-escalate-why]").textContent = "this cramp has lasted " + words(ms) +
        " (since " + hhmm(new Date(state.started)) + ") although you stretched it.";
      if (box.hidden) box.hidden = false;
    }
  }

  function finish(relief, helped) {
    logOnce();
    var seconds = Math.max(1, Math.round(elapsedMs() / 1000));
    var body = {duration_s: seconds, relief: relief, relief_helped: helped};
    if (state.muscle) body.muscle = state.muscle;
    outbox.add("PATCH", root.getAttribute("data-episodes-url") + state.id, body,
               "details of the cramp at " + hhmm(new Date(state.started)));
    var long = seconds * 1000 > longMs;
    $("[data-saved-text]").textContent = "The cramp lasted " + (seconds < 60 ? seconds + " seconds" : words(seconds * 1000)) +
      ". It is in your diary with what helped." + (long ? " Because it lasted more than 10 minutes, please get medical advice today (see above)." : "");
    clearInterval(state.timer);
    sessionStorage.removeItem(CURRENT);
    show("saved");
    tick();
  }

  begin();
  $("[data-clock]").hidden = false;
  $$("[data-js-only]").forEach(function (node) { node.hidden = false; });
  $$("[data-muscle]").forEach(function (button) {
    button.addEventListener("click", function () {
      state.muscle = button.getAttribute("data-muscle");
      logOnce();
      show("stretch");
    });
  });
  $$("[data-go]").forEach(function (button) {
    button.addEventListener("click", function () { show(button.getAttribute("data-go")); });
  });
  $$("[data-relief-choice]").forEach(function (button) {
    button.addEventListener("click", function () {
      finish(button.getAttribute("data-relief-choice"), button.getAttribute("data-helped") === "true");
    });
  });
  show(state.step === "saved" ? "muscle" : state.step);
  tick();
  state.timer = setInterval(tick, 1000);
})();
