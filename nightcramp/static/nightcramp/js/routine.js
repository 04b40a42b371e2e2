// The bedtime routine player: get ready, then each hold and rest with a large timer, the picture of the
// position, spoken cues (the browser's speech synthesis, or beeps when it has none or speech is off),
// a visual pulse for the last seconds, pause, resume, skip and stop, and the screen kept awake. The
// steps come from the server (nightcramp.knowledge.care.plan). Finishing, or stopping after at least one
// hold, records the session through the outbox, so it is stored once even if the network is gone.
(function () {
  "use strict";
  var root = document.querySelector("[data-player]");
  var plansEl = document.getElementById("routine-plans");
  if (!root || !plansEl) return;
  var data = JSON.parse(plansEl.textContent), plans = data.plans;
  // Each step names its stretch and side; their words and picture are kept once, under data.texts.
  Object.keys(plans).forEach(function (key) {
    plans[key].steps.forEach(function (st) {
      var text = data.texts[st.text];
      st.title = text.title; st.how = text.how; st.picture = text.picture; st.tested = text.tested;
    });
  });
  var $ = function (sel) { return root.querySelector(sel); };
  var el = {
    startPanel: $("[data-start-panel]"), start: $("[data-start]"), stage: $("[data-stage]"),
    phase: $("[data-phase]"), title: $("[data-title]"), timer: $("[data-timer]"), picture: $("[data-picture]"),
    how: $("[data-how]"), untested: $("[data-untested]"), next: $("[data-next]"), progress: $("[data-progress]"),
    pause: $("[data-pause]"), skip: $("[data-skip]"), stop: $("[data-stop]"), done: $("[data-done]"),
    doneTitle: $("[data-done-title]"), doneText: $("[data-done-text]"), speech: $("[data-speech]"),
    beeps: $("[data-beeps]")
  };
  var PULSE_MS = 3000;
  var s = null;  // the running session
  var audio = null;
  var wakeLock = null;

  root.hidden = false;

  function chosenKey() {
    var picked = document.querySelector("[data-routine-choice]:checked");
    var routine = picked ? picked.value : root.getAttribute("data-routine");
    var extras = Array.prototype.filter.call(document.querySelectorAll("[data-extra]"), function (c) {
      return c.checked;
    }).map(function (c) { return c.value; });
    var key = [routine].concat(extras).join("+");
    return plans[key] ? key : routine;
  }

  // ---- sound and speech ------------------------------------------------------------------------
  function beep(freq, ms) {
    if (!el.beeps.checked) return;
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var osc = audio.createOscillator(), gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.2, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + ms / 1000);
      osc.connect(gain); gain.connect(audio.destination);
      osc.start(); osc.stop(audio.currentTime + ms / 1000);
    } catch (e) { /* no audio on this device: the visual cues remain */ }
  }

  function canSpeak() {
    return el.speech.checked && "speechSynthesis" in window && window.SpeechSynthesisUtterance;
  }

  function say(text, fallbackFreq) {
    if (canSpeak()) {
      try {
        window.speechSynthesis.cancel();
        window.speechSynthesis.speak(new SpeechSynthesisUtterance(text));
        return;
      } catch (e) { /* fall back to a beep */ }
    }
    beep(fallbackFreq || 660, 180);
  }

  // ---- keeping the screen awake -----------------------------------------------------------------
  function keepAwake() {
    if (!("wakeLock" in navigator) || document.hidden) return;
    navigator.wakeLock.request("screen").then(function (lock) { wakeLock = lock; }, function () {});
  }
  function letSleep() {
    if (wakeLock) { wakeLock.release().catch(function () {}); wakeLock = null; }
  }
  document.addEventListener("visibilitychange", function () { if (s && s.running && !document.hidden) keepAwake(); });

  // ---- the player -------------------------------------------------------------------------------
  function step() { return s.steps[s.index]; }

  // While the routine runs, only the player shows, so the timer and picture fill the screen.
  function focusMode(on) {
    document.querySelectorAll("[data-hide-while-running]").forEach(function (node) { node.hidden = on; });
    document.body.classList.toggle("player-running", on);
    window.scrollTo(0, 0);
  }

  function phaseWords(st) {
    if (st.kind === "ready") return "Get ready";
    if (st.kind === "switch") return "Change position";
    if (st.kind === "rest") return "Relax";
    return "Hold " + st.hold + " of " + (root.getAttribute("data-holds") || "3");
  }

  function nextWords() {
    var following = s.steps[s.index + 1];
    // While resting, what comes next is the next hold of the same stretch.
    if (step().kind === "rest" && following) return "Next: " + phaseWords(following).toLowerCase();
    for (var i = s.index + 1; i < s.steps.length; i++) {
      if (s.steps[i].kind === "hold" && s.steps[i].title !== step().title) return "Next: " + s.steps[i].title;
    }
    return s.index + 1 < s.steps.length ? "Next: " + phaseWords(s.steps[s.index + 1]).toLowerCase() : "Last step";
  }

  function render() {
    var st = step();
    el.phase.textContent = phaseWords(st);
    el.title.textContent = st.title;
    el.how.textContent = st.how;
    el.untested.hidden = st.tested;
    if (el.picture.getAttribute("data-showing") !== st.picture) {
      var stored = document.querySelector('[data-picture-name="' + st.picture + '"]');
      el.picture.innerHTML = stored ? stored.innerHTML : "";
      el.picture.setAttribute("data-showing", st.picture);
    }
    el.picture.classList.toggle("mirrored", st.side === "right");
    el.next.textContent = nextWords();
    root.setAttribute("data-kind", st.kind);
  }

  function showTime() {
    var seconds = Math.max(0, Math.ceil(s.left / 1000));
    if (el.timer.textContent !== String(seconds)) {
      el.timer.textContent = String(seconds);
      if (s.left <= PULSE_MS && s.left > 0 && !s.paused) beep(step().kind === "hold" ? 990 : 520, 80);
    }
    el.timer.classList.toggle("pulse", s.left <= PULSE_MS && !s.paused);
    el.progress.value = (s.elapsedBefore + (step().seconds * 1000 - s.left)) / s.total;
  }

  function enter(index) {
    if (index >= s.steps.length) return finish(true);
    if (s.index >= 0) s.elapsedBefore += step().seconds * 1000;
    s.index = index;
    s.left = step().seconds * 1000;
    render();
    say(step().say, step().kind === "hold" ? 880 : 440);
    showTime();
  }

  function tick() {
    if (!s || !s.running) return;
    var now = performance.now();
    if (!s.paused) s.left -= now - s.last;
    s.last = now;
    while (s && s.running && s.left <= 0) {
      var over = -s.left;
      if (step().kind === "hold") s.holdsDone += 1;
      if (s.index + 1 >= s.steps.length) return finish(true);
      enter(s.index + 1);
      s.left -= over;
    }
    if (s && s.running) showTime();
  }

  function start() {
    var key = chosenKey(), chosen = plans[key];
    s = {key: key, plan: chosen, steps: chosen.steps, index: -1, left: 0, last: performance.now(), holdsDone: 0,
         running: true, paused: false, startedAt: new Date(), elapsedBefore: 0,
         total: chosen.seconds * 1000, id: window.nightcrampOutbox.uuid()};
    el.startPanel.hidden = true; el.done.hidden = true; el.stage.hidden = false;
    focusMode(true);
    el.pause.textContent = "Pause";
    keepAwake();
    beep(660, 1);  // opens the audio context while this tap counts as a user gesture
    enter(0);
    s.timer = setInterval(tick, 100);
    el.pause.focus({preventScroll: true});
  }

  function togglePause() {
    if (!s) return;
    tick();
    s.paused = !s.paused;
    el.pause.textContent = s.paused ? "Resume" : "Pause";
    el.phase.textContent = s.paused ? "Paused" : phaseWords(step());
    if (s.paused && "speechSynthesis" in window) window.speechSynthesis.cancel();
    if (s.paused) letSleep(); else keepAwake();
    showTime();
  }

  function skip() {
    if (!s) return;
    tick();
    if (!s || !s.running) return;
    if (s.index + 1 >= s.steps.length) return finish(true);
    enter(s.index + 1);
  }

  function finish(completed) {
    if (!s) return;
    var done = s;
    clearInterval(done.timer);
    done.running = false;
    s = null;
    letSleep();
    el.stage.hidden = true; el.startPanel.hidden = false; el.done.hidden = false;
    focusMode(false);
    if (!done.holdsDone) {
      el.doneTitle.textContent = "Stopped";
      el.doneText.textContent = "Nothing was recorded: no stretch was held to the end.";
      el.done.focus();
      return;
    }
    var planned = done.plan.holds, full = completed && done.holdsDone >= planned;
    el.doneTitle.textContent = full ? "Well done" : "Stopped part-way";
    var holds = full ? "All " + planned + " holds done." : done.holdsDone + " of " + planned + " holds done.";
    el.doneText.textContent = holds + " Saving\u2026";
    say(full ? "Well done. Sleep well." : "Stopped.", 1320);
    el.done.focus();
    var body = {id: done.id, routine: done.plan.routine, extras: done.plan.extras,
                started_at: done.startedAt.toISOString(), ended_at: new Date().toISOString(),
                tz: root.getAttribute("data-time-zone") || undefined, holds_done: done.holdsDone};
    try { body.tz = Intl.DateTimeFormat().resolvedOptions().timeZone || body.tz; } catch (e) { /* keep the profile's */ }
    var outbox = window.nightcrampOutbox;
    var saving = outbox.add("POST", root.getAttribute("data-api"), body, "bedtime stretch", {kind: "stretch"});
    // Say "marked as stretched" only once the server has it (the outbox's status below says what waits).
    outbox.watch(saving.key, function (outcome) {
      el.doneText.textContent = holds + (outcome.state === "sent" ? " Tonight is marked as stretched."
        : outcome.state === "refused" ? " It is not saved: the server did not accept it (see \u201cNot saved\u201d)."
        : outcome.state === "gone" ? " It was discarded, so tonight is not marked as stretched."
        : outcome.blocked === "sending" ? " Saving\u2026"
        : " Tonight will count as stretched once it is sent.");
    });
    document.dispatchEvent(new CustomEvent("nightcramp:stretched", {detail: body}));
  }

  el.start.addEventListener("click", start);
  el.pause.addEventListener("click", togglePause);
  el.skip.addEventListener("click", skip);
  el.stop.addEventListener("click", function () { tick(); finish(false); });
  document.addEventListener("keydown", function (e) {
    if (!s || e.target.closest("input, textarea, select")) return;
    if (e.key === " " || e.key === "k") { e.preventDefault(); togglePause(); }
  });
  // On a night the personal experiment plans without the stretch, the done card says what stretching
  // means for the experiment, once a hold was done (a session stopped before any records nothing).
  var offPlan = root.querySelector("[data-off-plan-done]");
  if (offPlan) {
    el.start.addEventListener("click", function () { offPlan.hidden = true; });
    document.addEventListener("nightcramp:stretched", function () { offPlan.hidden = false; });
  }
  // Choosing another routine reloads the page with that routine's steps (and its no-JavaScript form).
  document.querySelectorAll("[data-routine-choice]").forEach(function (radio) {
    radio.addEventListener("change", function () { if (!s) radio.form.submit(); });
  });
})();
