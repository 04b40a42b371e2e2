// The "More" menu in the header: it is a <details>, so it works without this script; this only closes it
// on Escape, on a tap outside it, and after a link in it was chosen.
(function () {
  "use strict";
  var more = document.querySelector("[data-more]");
  if (!more) return;
  document.addEventListener("click", function (event) {
    if (more.open && !more.contains(event.target)) more.open = false;
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && more.open) { more.open = false; more.querySelector("summary").focus(); }
  });
})();
