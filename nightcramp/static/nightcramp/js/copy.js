// A "Copy" button for a read-only field: shown only when the browser can copy, so without
// JavaScript the field is simply selected and copied by hand.
(() => {
  for (const button of document.querySelectorAll("button[data-copy]")) {
    const field = document.querySelector(button.dataset.copy);
    if (!field || !navigator.clipboard) continue;
    const done = button.parentElement.querySelector("[data-copied]");
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(field.value);
        if (done) done.textContent = "Copied.";
      } catch {
        field.select();
        if (done) done.textContent = "Select the address and copy it.";
      }
    });
  }
})();
