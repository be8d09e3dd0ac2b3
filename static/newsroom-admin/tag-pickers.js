/* The tag pickers' select2 search boxes carry no label of their own; give each the name
   of its field, so a screen reader says what the box searches (WCAG 1.3.1, 4.1.2).
   select2 makes the boxes after the page has loaded, at a time of its own, so they are
   labelled whenever they appear. */
(function () {
  "use strict";
  function labelSearchBoxes() {
    document.querySelectorAll("select.admin-autocomplete").forEach((select) => {
      const label = document.querySelector(`label[for="${select.id}"]`);
      const container = select.nextElementSibling;
      const box = container && container.querySelector(".select2-search__field:not([aria-label])");
      if (label && box) {
        box.setAttribute("aria-label", `Search ${label.textContent.replace(/:\s*$/, "").toLowerCase()}`);
      }
    });
  }
  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("article_form");
    if (!form) { return; }
    labelSearchBoxes();
    new MutationObserver(labelSearchBoxes).observe(form, {childList: true, subtree: true});
  });
})();
