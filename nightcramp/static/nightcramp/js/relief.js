// Relief during a cramp: which muscle, the stretch for it, then stand and walk, with a clock running
// since the cramp began. Everything goes through the outbox, so it works offline.
//
// One event, one entry. Opened for a cramp already logged (/relief/<id>/) the flow continues it. Opened
// on its own (/relief/), it looks for a cramp that may be this one: begun within the window the page
// states (data-recent-seconds) and not yet timed to its end, as the server knows it (data-recent) or as
// it waits in this device's outbox. If there is one, it asks "Is this the cramp from 03:10?" and
// continues it, or logs a new cramp only when told it is a new one. A new cramp is logged (from when the
// page opened) when the person says where it is, so opening the page only to read it logs nothing.
// When it is over, its duration, muscle and what helped are saved; the page says what became of them
// (sent, kept on this device, or refused), never "saved" for an entry the server refused.
// While a cramp is still being stretched past 10 minutes, the page says to get medical advice today,
// and why; at the end it repeats that advice only when the cramp lasted more than 10 minutes and
// nothing eased it (the rule's own words, from the page).
(function () {
  "use strict";
  var root = document.querySelector("[data-relief]");
  if (!root || !window.nightcrampOutbox) return;
  var outbox = window.nightcrampOutbox;
  var CURRENT = "nightcramp.relief.current";
  var recentMs = Number(root.getAttribute("data-recent-seconds")) * 1000;
  var longMs = Number(root.getAttribute("data-long-seconds")) * 1000;
  var createUrl = root.getAttribute("data-create-url"), episodesUrl = root.getAttribute("data-episodes-url");
  var $ = function (sel) { return root.querySelector(sel); };
  var $$ = function (sel) { return Array.prototype.slice.call(root.querySelectorAll(sel)); };
  var state = null, timer = null;
  var sends = [];  // what became of this page's entries (promises of the outbox's outcomes)

  function zone() {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined; } catch (e) { return undefined; }
  }
  function hhmm(d) { return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2); }
  function save() {  // a finished flow is forgotten: opening the page again is about a new cramp
    if (state.step === "saved") sessionStorage.removeItem(CURRENT);
    else sessionStorage.setItem(CURRENT, JSON.stringify(state));
  }
  function kept() {
    try { return JSON.parse(sessionStorage.getItem(CURRENT) || "null"); } catch (e) { return null; }
  }
  function age(started) { return Date.now() - Date.parse(started); }
  // A device clock a little behind the server's may see a recent start as slightly in the future.
  function isRecent(started) { var ms = age(started); return ms < recentMs && ms > -recentMs; }
  function words(ms) {
    var minutes = Math.floor(ms / 60000);
    return minutes + (minutes === 1 ? " minute" : " minutes");
  }

  // The latest cramp that may be the one under way, or null.
  function recentCramp() {
    var found = [], timed = {};
    if (root.getAttribute("data-recent")) {
      found.push({id: root.getAttribute("data-recent"), started: root.getAttribute("data-recent-started")});
    }
    var pending = outbox.pending();
    pending.forEach(function (e) {
      if (e.method === "PATCH" && e.body && e.body.duration_s) timed[e.url.split("/").pop()] = true;
    });
    pending.forEach(function (e) {
      if (e.method === "POST" && e.url === createUrl && e.body && e.body.id && !e.body.duration_s) {
        found.push({id: e.body.id, started: e.body.started_at || e.queued_at});
      }
    });
    var last = kept();
    if (last && last.logged && last.started) found.push({id: last.id, started: last.started});
    found = found.filter(function (c) { return c.id && c.started && !timed[c.id] && isRecent(c.started); });
    found.sort(function (a, b) { return Date.parse(b.started) - Date.parse(a.started); });
    return found[0] || null;
  }

  function fresh() {
    return {id: outbox.uuid(), started: new Date().toISOString(), step: "muscle", muscle: "", logged: false,
            settled: true};
  }

  function continuing(cramp) {
    return {id: cramp.id, started: cramp.started, step: "muscle", muscle: "", logged: true, settled: true,
            continued: true};
  }

  function begin() {
    var given = root.getAttribute("data-episode"), last = kept();
    if (given) {
      state = last && last.id === given && last.settled ? last
        : {id: given, started: root.getAttribute("data-started"), step: "muscle", muscle: "", logged: true,
           settled: true, continued: true};
    } else if (last && last.settled && last.step !== "saved" && isRecent(last.started)) {
      state = last;  // the page was reloaded during the same cramp
    } else {
      var cramp = recentCramp();
      if (cramp && last && last.id === cramp.id && location.hash === "#continue") {
        state = continuing(cramp);  // the link under the cramp just logged on this device: this one
      } else if (cramp) {
        state = fresh();
        state.settled = false;
        state.step = "which";
        state.candidate = cramp;
      } else {
        state = fresh();
      }
    }
    save();
  }

  function logOnce() {
    if (state.logged) return;
    var started = new Date(state.started);
    sends.push(outbox.add("POST", createUrl, {id: state.id, started_at: started.toISOString(), tz: zone()},
                          "cramp at " + hhmm(started)));
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
    $("[data-clock]").hidden = step === "which";
    $("[data-logs-new]").hidden = !!state.continued;
    $("[data-began]").textContent = step === "which" ? "" : "(" + hhmm(new Date(state.started)) + ")";
    var visible = $("[data-step]:not([hidden]) h2");
    if (visible) { visible.setAttribute("tabindex", "-1"); visible.focus(); }
    tick();
  }

  function ask(cramp) {
    $("[data-which-time]").textContent = hhmm(new Date(cramp.started));
    var ms = Math.max(0, age(cramp.started));
    $("[data-which-ago]").textContent = ms < 60000 ? "less than a minute ago" : words(ms) + " ago";
  }

  function elapsedMs() { return Date.now() - Date.parse(state.started); }

  function tick() {
    var ms = Math.max(0, elapsedMs()), total = Math.floor(ms / 1000);
    $("[data-elapsed]").textContent = Math.floor(total / 60) + ":" + ("0" + (total % 60)).slice(-2);
    // Still stretching, not easing, past 10 minutes: the warning shows while the cramp goes on. Once it
    // is over, the end says it again only if nothing eased it (the rule's "does not ease").
    if (state.step === "stretch" && ms > longMs && !state.escalated) { state.escalated = true; save(); }
    var box = $("[data-escalate]");
    var shown = !!state.escalated && (state.step === "stretch" || state.step === "walk");
    if (shown) {
      $("[data-escalate-why]").textContent = "this cramp has lasted " + words(ms) +
        " (since " + hhmm(new Date(state.started)) + ") although you stretched it.";
    }
    if (box.hidden === shown) box.hidden = !shown;
    root.classList.toggle("escalated", shown);
  }

  // The outbox answers {state: "sent" | "waiting" | "refused" | "gone", reason, blocked} (older versions
  // answered true for sent, false for waiting).
  function outcomeOf(answer) {
    var kind = answer === true ? "sent" : !answer ? "waiting" : answer.state || answer.status || "refused";
    var reason = (answer && typeof answer === "object" && (answer.reason || answer.refused)) || "";
    if (kind === "waiting" && answer && answer.blocked === "held") kind = "refused";  // waits on a refused one
    if (["sent", "waiting", "refused", "gone"].indexOf(kind) < 0) kind = "refused";
    return {kind: kind, reason: typeof reason === "string" ? reason : ""};
  }

  function worst(outcomes) {
    var rank = {sent: 0, waiting: 1, gone: 2, refused: 3};
    return outcomes.reduce(function (a, b) { return rank[b.kind] > rank[a.kind] ? b : a; }, {kind: "sent"});
  }

  // Keep the end up to date: an entry kept on the device is later sent (or refused).
  function follow(seconds) {
    var keys = sends.map(function (p) { return p.key; }).filter(Boolean), latest = {};
    if (!outbox.watch || keys.length !== sends.length) return;
    keys.forEach(function (key) {
      outbox.watch(key, function (answer) {
        latest[key] = outcomeOf(answer);
        var known = keys.map(function (k) { return latest[k]; }).filter(Boolean);
        if (known.length === keys.length) report(seconds, worst(known));
      });
    });
  }

  function report(seconds, outcome) {
    var lasted = "The cramp lasted " + (seconds < 60 ? seconds + " seconds" : words(seconds * 1000)) + ".";
    var heading = $("[data-saved-heading]"), text = $("[data-saved-text]");
    if (outcome.kind === "sent") {
      heading.textContent = "Saved";
      text.textContent = lasted + " It is in your diary with what helped.";
    } else if (outcome.kind === "waiting") {
      heading.textContent = "Kept on this device";
      text.textContent = lasted + " There is no connection to the server now, so it waits on this phone " +
        "with what helped and is sent when the network is back.";
    } else if (outcome.kind === "gone") {
      heading.textContent = "Not saved";
      text.textContent = lasted + " It was discarded from this device, so it is not in your diary.";
    } else {
      heading.textContent = "Not saved yet";
      // The outbox's own box, right below, gives the reason and the ways to correct, resend or discard it.
      text.textContent = lasted + " The server did not take it, so it is not in your diary yet. It is kept " +
        "on this device: see below.";
    }
  }

  function finish(relief, helped) {
    logOnce();
    var seconds = Math.max(1, Math.round(elapsedMs() / 1000));
    var body = {duration_s: seconds, relief: relief, relief_helped: helped};
    if (state.muscle) body.muscle = state.muscle;
    sends.push(outbox.add("PATCH", episodesUrl + state.id, body,
                          "details of the cramp at " + hhmm(new Date(state.started))));
    // The rule: more than 10 minutes and it did not ease with stretching or moving.
    $("[data-saved-advice]").hidden = !(seconds * 1000 > longMs && helped === false);
    clearInterval(timer);
    $("[data-saved-heading]").textContent = "Saving…";
    $("[data-saved-text]").textContent = "";
    show("saved");
    Promise.all(sends).then(function (answers) {
      report(seconds, worst(answers.map(outcomeOf)));
      follow(seconds);
    });
  }

  begin();
  $$("[data-js-only]").forEach(function (node) { node.hidden = false; });
  $$("[data-which]").forEach(function (button) {
    button.addEventListener("click", function () {
      var cramp = state.candidate;
      if (button.getAttribute("data-which") === "same") state = continuing(cramp);
      else { delete state.candidate; state.settled = true; }
      show("muscle");
    });
  });
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
  if (state.step === "which") ask(state.candidate);
  show(state.step === "saved" ? "muscle" : state.step);
  timer = setInterval(tick, 1000);
})();
