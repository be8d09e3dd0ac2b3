/* The form's pickers (select2: tags, the hero image, each byline's author) carry no
   accessible name of their own; give each the name of its field, so a screen reader says
   what the picker holds and what its box searches (WCAG 1.3.1, 4.1.2). A field with a
   <label> takes its text; a byline row's picker has no label and takes its <select>'s
   aria-label. select2 makes the pickers after the page has loaded, at a time of its own,
   so they are named whenever they appear. */
(function () {
  "use strict";
  function nameOf(select) {
    const label = document.querySelector(`label[for="${select.id}"]`);
    if (label) { return label.textContent.replace(/:\s*$/, "").trim(); }
    return select.getAttribute("aria-label");
  }
  function namePickers() {
    document.querySelectorAll("select.admin-autocomplete").forEach((select) => {
      const container = select.nextElementSibling;
      const name = nameOf(select);
      if (!container || !name) { return; }
      const box = container.querySelector(".select2-search__field:not([aria-label])");
      if (box) { box.setAttribute("aria-label", `Search ${name.toLowerCase()}`); }
      // The chosen value's own element names the picker by default: empty, it names
      // nothing, so the field's name replaces it.
      container.querySelectorAll('[role="combobox"], [role="textbox"]').forEach((part) => {
        if (part.getAttribute("aria-label") !== name) {
          part.removeAttribute("aria-labelledby");
          part.setAttribute("aria-label", name);
        }
      });
    });
  }
  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("article_form");
    if (!form) { return; }
    namePickers();
    new MutationObserver(namePickers).observe(form, {childList: true, subtree: true});
  });
})();
