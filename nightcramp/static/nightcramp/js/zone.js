// Fill hidden "time_zone"/"tz" inputs with the browser's IANA time zone. Asking Intl for it the first
// time loads the browser's time zone data (tens of milliseconds on a slow phone), so it is asked once
// the page is idle, or at the latest when a form is sent (before HTMX or the browser reads the form).
(function () {
  var zone = null;
  function fill(root) {
    if (zone === null) {
      try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
    }
    if (!zone) return;
    root.querySelectorAll('input[name="time_zone"], input[name="tz"]').forEach(function (el) {
      if (!el.value) el.value = zone;
    });
  }
  document.addEventListener("submit", function (event) { fill(event.target); }, true);
  function later() {
    if (window.requestIdleCallback) window.requestIdleCallback(function () { fill(document); }, {timeout: 2000});
    else window.setTimeout(function () { fill(document); }, 200);
  }
  if (document.readyState === "complete") later(); else window.addEventListener("load", later);
})();
