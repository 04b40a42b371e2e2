// Tonight: give each "log a cramp" form a fresh client id, so a double tap or a retried request
// stores one cramp (the server treats a repeated id as the same entry), and tidy the details form.
(function () {
  function uuid4() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    if (!(window.crypto && crypto.getRandomValues)) return "";  // the server then chooses the id
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function freshIds() {
    document.querySelectorAll("form[data-new-entry] input[name='id']").forEach(function (el) { el.value = uuid4(); });
  }

  // A quick duration chip and the exact minutes exclude each other.
  function linkDuration(root) {
    root.querySelectorAll("[data-duration]").forEach(function (box) {
      var minutes = box.querySelector("input[name='duration_minutes']");
      var quick = box.querySelectorAll("input[name='duration_quick']");
      if (!minutes) return;
      quick.forEach(function (r) { r.addEventListener("change", function () { minutes.value = ""; }); });
      minutes.addEventListener("input", function () {
        if (minutes.value) quick.forEach(function (r) { r.checked = false; });
      });
    });
  }

  // No network: keep the cramp on this device (the outbox sends it once the network is back) and say so.
  // A form sent while the network is down never reached the server, or did and its answer was lost;
  // either way the same client id is sent again, and the server stores it once.
  function two(n) { return ("0" + n).slice(-2); }

  function startOf(form, submitter) {
    var now = new Date();
    if (submitter && submitter.name === "ago" && submitter.value) return new Date(now - Number(submitter.value) * 60000);
    var at = form.querySelector("input[name='at']");
    if (at && at.value) {
      var parts = at.value.split(":"), when = new Date(now);
      when.setHours(Number(parts[0]), Number(parts[1]), 0, 0);
      if (when > now) when.setDate(when.getDate() - 1);  // a time later than now means yesterday
      return when;
    }
    return now;
  }

  // One box says it once: the cramp, its time (as the diary will hold it) and whether it has been sent,
  // from the outbox itself (its status shows here, in place of the box at the top of the page).
  function keepOffline(form, submitter) {
    var outbox = window.nightcrampOutbox, panel = document.getElementById("tonight-panel");
    if (!outbox || !panel) return false;
    var id = form.querySelector("input[name='id']").value || outbox.uuid();
    var started = startOf(form, submitter), zoneInput = form.querySelector("input[name='tz']");
    var shown = outbox.trueTime ? outbox.trueTime(started) : started;
    var at = two(shown.getHours()) + ":" + two(shown.getMinutes());
    var note = panel.querySelector("[data-offline-note]");
    if (!note) {
      note = document.createElement("section");
      note.className = "card offline-note";
      note.setAttribute("data-offline-note", "");
      panel.insertBefore(note, panel.firstChild.nextSibling);
    }
    note.innerHTML = "";
    var heading = document.createElement("h2");
    heading.textContent = "Cramp logged at " + at;
    heading.tabIndex = -1;
    var status = document.createElement("p");
    status.setAttribute("data-outbox-status", "main");
    status.setAttribute("role", "status");
    var relief = document.createElement("a");
    relief.className = "button relief-start";
    relief.href = panel.getAttribute("data-relief");
    relief.textContent = "Still cramping? Guide me through it";
    note.appendChild(heading); note.appendChild(status); note.appendChild(relief);
    outbox.add("POST", panel.getAttribute("data-api-episodes"),
               {id: id, started_at: started.toISOString(), tz: (zoneInput && zoneInput.value) || undefined},
               "cramp at " + at, {kind: "cramp"});
    sessionStorage.setItem("nightcramp.relief.current", JSON.stringify(
      {id: id, started: started.toISOString(), step: "muscle", muscle: "", logged: true}));
    heading.focus();
    freshIds();
    return true;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-new-entry]") || navigator.onLine) return;
    if (keepOffline(form, event.submitter)) { event.preventDefault(); event.stopPropagation(); }
  }, true);
  document.addEventListener("htmx:sendError", function (event) {
    var form = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("form[data-new-entry]");
    if (form) keepOffline(form, event.detail.requestConfig && event.detail.requestConfig.triggeringEvent &&
                                event.detail.requestConfig.triggeringEvent.submitter);
  });

  freshIds();
  linkDuration(document);
  // Coming back through the browser's history must not reuse an id that was already sent.
  window.addEventListener("pageshow", function (e) { if (e.persisted) freshIds(); });
  document.addEventListener("htmx:afterSwap", function (e) {
    linkDuration(e.detail.elt);
    var heading = document.querySelector("[data-focus-on-load]");
    if (heading) heading.focus();  // screen readers announce the confirmation
  });
})();
