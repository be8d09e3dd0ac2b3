/* Keeps a copy of the article form in this browser while you type, so a crashed tab or a
   lost connection does not lose work. The copy is offered back only when it differs from
   what the page shows, and is dropped once the same text has been saved. */
(function () {
  "use strict";
  const FIELDS = ["headline", "slug", "standfirst", "body", "dateline", "bylines"];

  function storageKey(form) {
    const match = window.location.pathname.match(/\/article\/(\d+)\/change\//);
    return "newsroom:article:" + (match ? match[1] : "new");
  }

  function read(form) {
    const values = {};
    for (const name of FIELDS) {
      if (form.elements[name]) { values[name] = form.elements[name].value; }
    }
    return values;
  }

  function same(a, b) {
    return FIELDS.every((name) => (a[name] || "") === (b[name] || ""));
  }

  function offer(form, key, copy) {
    const note = document.createElement("div");
    note.className = "nr-autosave messagelist";
    note.setAttribute("role", "status");
    const when = new Date(copy.savedAt).toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"});
    note.innerHTML = '<p class="warning">This browser kept unsaved changes to this article ' +
      'from <strong></strong>. <button type="button" data-restore>Restore them</button> ' +
      '<button type="button" data-discard>Discard</button></p>';
    note.querySelector("strong").textContent = when;
    note.querySelector("[data-restore]").addEventListener("click", () => {
      for (const name of FIELDS) {
        const field = form.elements[name];
        if (field && name in copy.values) {
          field.value = copy.values[name];
          field.dispatchEvent(new CustomEvent("nr-restore"));
        }
      }
      note.remove();
    });
    note.querySelector("[data-discard]").addEventListener("click", () => {
      localStorage.removeItem(key);
      note.remove();
    });
    form.parentNode.insertBefore(note, form);
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("article_form");
    if (!form || !window.localStorage) { return; }
    const key = storageKey(form);
    let copy = null;
    try { copy = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { copy = null; }
    if (copy && same(copy.values, read(form))) {
      localStorage.removeItem(key);  // what the page shows is what was kept: nothing to offer
    } else if (copy && !copy.submitted) {
      offer(form, key, copy);
    }
    let timer = null;
    form.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        localStorage.setItem(key, JSON.stringify({savedAt: Date.now(), values: read(form)}));
      }, 800);
    });
    form.addEventListener("submit", () => {
      clearTimeout(timer);
      const submitted = key.endsWith(":new");
      localStorage.setItem(key, JSON.stringify({savedAt: Date.now(), values: read(form), submitted}));
    });
  });
})();
