// Dark theme between the night's hours. The server decides for signed-in people (their own zone
// and hours); for "auto" (signed out) the browser's clock decides with the default hours.
(function () {
  var root = document.documentElement;
  if (root.dataset.theme !== "auto") return;
  var hour = new Date().getHours();
  var start = parseInt(root.dataset.nightStart, 10), end = parseInt(root.dataset.nightEnd, 10);
  root.dataset.theme = (hour >= start || hour < end) ? "dark" : "light";
})();
