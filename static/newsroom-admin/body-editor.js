/* A small rich-text editor for the article body. It writes only the markup the server
   keeps (paragraphs, subheads, emphasis, links, lists, quotes); the server sanitises
   whatever arrives anyway. Without JavaScript the plain textarea still works. */
(function () {
  "use strict";
  const BUTTONS = [
    ["P", "Paragraph", () => document.execCommand("formatBlock", false, "p")],
    ["H2", "Subheading", () => document.execCommand("formatBlock", false, "h2")],
    ["B", "Bold", () => document.execCommand("bold")],
    ["I", "Italic", () => document.execCommand("italic")],
    ["Link", "Link", () => {
      const url = window.prompt("Link to (https://…)");
      if (url && /^(https?:|mailto:)/i.test(url.trim())) {
        document.execCommand("createLink", false, url.trim());
      }
    }],
    ["• List", "Bulleted list", () => document.execCommand("insertUnorderedList")],
    ["1. List", "Numbered list", () => document.execCommand("insertOrderedList")],
    ["“ ”", "Quotation", () => document.execCommand("formatBlock", false, "blockquote")],
  ];

  function escapeHtml(text) {
    return text.replace(/[&<>"]/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]));
  }

  function setUp(textarea) {
    const wrapper = document.createElement("div");
    wrapper.className = "nr-editor";
    const toolbar = document.createElement("div");
    toolbar.className = "nr-editor-toolbar";
    toolbar.setAttribute("role", "toolbar");
    toolbar.setAttribute("aria-label", "Body formatting");
    const area = document.createElement("div");
    area.className = "nr-editor-area";
    area.contentEditable = "true";
    area.setAttribute("role", "textbox");
    area.setAttribute("aria-multiline", "true");
    area.setAttribute("aria-label", "Body");
    area.innerHTML = textarea.value || "<p><br></p>";

    const sync = () => {
      textarea.value = area.innerHTML;
      textarea.dispatchEvent(new Event("input", {bubbles: true}));
    };
    for (const [label, title, run] of BUTTONS) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = label;
      button.title = title;
      button.addEventListener("click", () => { area.focus(); run(); sync(); });
      toolbar.appendChild(button);
    }
    const source = document.createElement("button");
    source.type = "button";
    source.textContent = "HTML";
    source.title = "Edit the HTML source";
    source.addEventListener("click", () => {
      const showingSource = textarea.style.display !== "none";
      if (showingSource) { area.innerHTML = textarea.value; }
      textarea.style.display = showingSource ? "none" : "";
      area.style.display = showingSource ? "" : "none";
    });
    toolbar.appendChild(source);

    area.addEventListener("input", sync);
    area.addEventListener("paste", (event) => {
      // Paste as clean paragraphs: copy from a word processor brings no stray styling.
      event.preventDefault();
      const text = (event.clipboardData || window.clipboardData).getData("text/plain");
      const html = text.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean)
        .map((p) => "<p>" + escapeHtml(p).replace(/\n/g, " ") + "</p>").join("");
      document.execCommand("insertHTML", false, html);
      sync();
    });
    // The autosave restore (or any script) sets the textarea and says so.
    textarea.addEventListener("nr-restore", () => { area.innerHTML = textarea.value; });
    textarea.style.display = "none";
    textarea.parentNode.insertBefore(wrapper, textarea);
    wrapper.appendChild(toolbar);
    wrapper.appendChild(area);
    wrapper.appendChild(textarea);
    textarea.form.addEventListener("submit", () => {
      if (area.style.display !== "none") { textarea.value = area.innerHTML; }
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("textarea.body-editor").forEach(setUp);
  });
})();
