// Fill hidden "time_zone"/"tz" inputs with the browser's IANA time zone. Asking Intl for it the first
// time loads the browser's time zone data (tens of milliseconds on a slow phone), so it is asked once
// the page is idle, or at the latest when a form is sent (before HTMX or the browser reads the form).
// On the sign-up page the zone is a visible select ([data-zone-guess]): it is set to the browser's zone,
// the hemisphere and country selects follow it from the page's table (#zone-guesses) until the person
// changes them, and a sentence says what was guessed. Without JavaScript the selects work on their own
// and the server works the hemisphere and country out from the zone.
(function () {
  var zone = null;
  function browserZone() {
    if (zone === null) {
      try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
    }
    return zone;
  }
  function fill(root) {
    if (!browserZone()) return;
    root.querySelectorAll('input[name="time_zone"], input[name="tz"]').forEach(function (el) {
      if (!el.value) el.value = zone;
    });
  }
  function optionText(select) {
    var option = select && select.options[select.selectedIndex];
    return option ? option.text : "";
  }
  function guesses(form) {
    var select = form.querySelector("select[data-zone-guess]");
    var table = document.getElementById("zone-guesses");
    if (!select || select.dataset.ready) return;
    select.dataset.ready = "1";
    var known = {};
    try { known = JSON.parse(table ? table.textContent : "{}"); } catch (e) { known = {}; }
    var hemisphere = form.querySelector('select[name="hemisphere"]');
    var country = form.querySelector('select[name="country"]');
    var summary = form.querySelector("[data-zone-summary]");
    [hemisphere, country].forEach(function (el) {
      if (el) el.addEventListener("change", function () { el.dataset.chosen = "1"; say(); });
    });
    function say() {
      if (!summary) return;
      var parts = [optionText(select)];
      if (hemisphere && hemisphere.value) parts.push(optionText(hemisphere).toLowerCase() + " hemisphere");
      if (country && country.value) parts.push(optionText(country));
      summary.textContent = "We guessed: " + parts.join(", ") + ". Change any that are wrong.";
      summary.hidden = false;
    }
    function follow() {
      var guess = known[select.value] || ["", ""];
      if (hemisphere && !hemisphere.dataset.chosen) hemisphere.value = guess[0];
      if (country && !country.dataset.chosen) country.value = guess[1];
      say();
    }
    select.addEventListener("change", follow);
    var mine = browserZone();
    if (mine && select.value === "UTC" && select.querySelector('option[value="' + mine + '"]')) select.value = mine;
    follow();
  }
  document.addEventListener("submit", function (event) { fill(event.target); }, true);
  function later() {
    var go = function () { fill(document); document.querySelectorAll("form").forEach(guesses); };
    if (window.requestIdleCallback) window.requestIdleCallback(go, {timeout: 2000});
    else window.setTimeout(go, 200);
  }
  if (document.readyState === "complete") later(); else window.addEventListener("load", later);
})();
