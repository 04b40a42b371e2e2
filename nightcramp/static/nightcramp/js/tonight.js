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
