// What is wrong with a form, shown in the page next to its field, as the server shows its own errors.
//
// Before a form is sent, the browser checks its inputs (required, min, max, step): it says what is wrong
// in a bubble that goes away, and HTMX, when it sends a form itself, checks them too and says nothing (its
// reportValidityOfForms is off). Here each wrong input also gets the list the server's templates write
// (diary/_field.html): <ul class="errorlist" id="ID_error" role="alert"> in its field, aria-invalid on the
// input and the list in its aria-describedby. A list made here goes as soon as the input is changed or the
// form is sent. Errors the server finds come back re-rendered in the form, also with status 400 or 422,
// which the htmx-config meta of base.html swaps in like a 200.
(function () {
  "use strict";
  var MADE = "data-client-error";

  function labelOf(input) {
    var group = input.closest("fieldset");
    var legend = group && group.querySelector("legend");
    if (input.type === "radio" || input.type === "checkbox") return legend ? legend.textContent.trim() : "";
    var label = input.id && document.querySelector('label[for="' + input.id + '"]');
    return label ? label.textContent.trim() : "";
  }

  function describedBy(input, id, add) {
    var ids = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (x) {
      return x && x !== id;
    });
    if (add) ids.push(id);
    if (ids.length) input.setAttribute("aria-describedby", ids.join(" "));
    else input.removeAttribute("aria-describedby");
  }

  function clear(input) {
    var id = (input.id || input.name) + "_error";
    var list = document.getElementById(id);
    if (!list || !list.hasAttribute(MADE)) return;
    list.remove();
    describedBy(input, id, false);
    input.removeAttribute("aria-invalid");
    var field = input.closest(".field");
    if (field && !field.querySelector(".errorlist")) field.classList.remove("has-error");
  }

  function show(input, message) {
    clear(input);
    var id = (input.id || input.name) + "_error";
    if (document.getElementById(id)) return; // the server's own error for it is already there
    var list = document.createElement("ul");
    list.className = "errorlist";
    list.id = id;
    list.setAttribute("role", "alert");
    list.setAttribute(MADE, "");
    var item = document.createElement("li");
    var label = labelOf(input);
    item.textContent = label ? label + ": " + message : message;
    list.appendChild(item);
    var field = input.closest(".field");
    if (field) {
      field.classList.add("has-error");
      field.appendChild(list);
    } else {
      var help = document.getElementById(input.getAttribute("aria-describedby") || "");
      var after = input.closest(".row") || help || input;
      after.insertAdjacentElement("afterend", list);
    }
    input.setAttribute("aria-invalid", "true");
    describedBy(input, id, true);
    input.addEventListener("input", function () { clear(input); }, { once: true });
  }

  function clearForm(target) {
    var form = target && target.closest && target.closest("form");
    if (form) Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), clear);
  }

  // Every form: the browser's own check fires "invalid" on each wrong input (it does not bubble).
  document.addEventListener("invalid", function (event) {
    var input = event.target;
    if (input && input.form) show(input, input.validationMessage);
  }, true);
  // A form HTMX sends on another event than a submit: its own check, which fires no "invalid".
  document.addEventListener("htmx:validation:halted", function (event) {
    var errors = (event.detail && event.detail.errors) || [];
    clearForm(event.target);
    errors.forEach(function (error) { show(error.elt, error.message); });
    if (errors.length) errors[0].elt.focus();
  });
  document.addEventListener("htmx:beforeRequest", function (event) { clearForm(event.target); });
})();
