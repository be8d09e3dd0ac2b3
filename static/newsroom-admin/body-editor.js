/* The article body in django-prose-editor (ProseMirror). The extensions, and so the
   schema, come from the server (BODY_EXTENSIONS in articles/platform/sanitising.py),
   which keeps exactly the same markup whatever arrives. The textarea underneath always
   holds the body's HTML: the form posts it, the crash copy (autosave.js) reads it, and
   a script that changes it says so with an "nr-restore" event. Without JavaScript the
   plain textarea stays. Imported by path, not through the library's import map: an
   inline import map would need 'unsafe-inline' or a nonce in the admin's policy. */
import * as prose from "../django_prose_editor/editor.js";

const CONFIG = "data-django-prose-editor-configurable";

function extensionsFrom(config) {
  return Object.entries(config.extensions)
    .filter(([name]) => prose[name])
    .map(([name, options]) => (typeof options === "object" ? prose[name].configure(options) : prose[name]));
}

function label(textarea) {
  const text = document.querySelector(`label[for="${textarea.id}"]`);
  if (!text) { return {"aria-label": "Body"}; }
  text.id = text.id || `${textarea.id}_label`;
  return {"aria-labelledby": text.id};
}

// Word processors put their formatting in style attributes and <style> elements, which
// the admin's policy refuses: the browser would report each and ignore it, so Google
// Docs' bold wrapper (styled font-weight normal) would make a whole paste bold. Read the
// styles as text instead, keep bold and italic as <strong>/<em>, and drop the rest
// before ProseMirror parses the paste through the schema (which drops spans, classes,
// Office tags and anything else it has no place for).
function declarations(style) {
  const found = {};
  for (const part of (style || "").split(";")) {
    const [name, ...value] = part.split(":");
    if (value.length) { found[name.trim().toLowerCase()] = value.join(":").trim().toLowerCase(); }
  }
  return found;
}

function wrapChildren(element, tagName) {
  const wrapper = element.ownerDocument.createElement(tagName);
  wrapper.append(...element.childNodes);
  element.append(wrapper);
}

function cleanPastedHTML(html) {
  // Even a parsed copy falls under the page's policy: rename the attributes and drop the
  // <style> elements in the text first, so nothing is reported or lost.
  const text = html.replace(/<style[\s\S]*?<\/style\s*>/gi, "")
    .replace(/(<[a-z][^<>]*?\s)style(\s*=)/gi, "$1data-pasted-style$2");
  const doc = new DOMParser().parseFromString(text, "text/html");
  doc.querySelectorAll("meta, link, script, title").forEach((element) => element.remove());
  // A document's title and its deeper headings keep a place the schema has: H2 and H3.
  for (const heading of doc.body.querySelectorAll("h1, h4, h5, h6")) {
    const kept = doc.createElement(heading.tagName === "H1" ? "h2" : "h3");
    kept.append(...heading.childNodes);
    heading.replaceWith(kept);
  }
  // A table has no place in the body: its cells become text, each apart from the next.
  for (const cell of doc.body.querySelectorAll("td, th")) { cell.append(" "); }
  // Zero-width spaces, soft hyphens and byte-order marks only hide words from search.
  const walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    node.data = node.data.replace(/[\u200B\u00AD\uFEFF]/g, "");
  }
  for (const element of doc.body.querySelectorAll("[data-pasted-style]")) {
    const style = declarations(element.getAttribute("data-pasted-style"));
    element.removeAttribute("data-pasted-style");
    const weight = style["font-weight"] || "";
    if (/^(normal|[1-5]00)$/.test(weight) && (element.tagName === "B" || element.tagName === "STRONG")) {
      element.replaceWith(...element.childNodes);  // Google Docs' not-bold wrapper
      continue;
    }
    if (/^(bold|bolder|[6-9]00)$/.test(weight)) { wrapChildren(element, "strong"); }
    if (style["font-style"] === "italic") { wrapChildren(element, "em"); }
  }
  return doc.body.innerHTML;
}

function bodyHTML(editor) {
  const html = editor.getHTML();
  return /^<(\w+)(\s[^>]*)?><\/\1>$/i.test(html) ? "" : html;  // an empty paragraph is empty
}

// As the library's createTextareaEditor, but without the <style> element Tiptap would
// inject (the policy refuses it; body-editor.css carries those rules).
function createEditor(textarea, extensions) {
  const wrapper = document.createElement("div");
  wrapper.className = "prose-editor";
  textarea.before(wrapper);
  wrapper.append(textarea);
  return new prose.Editor({
    element: wrapper,
    extensions,
    content: textarea.value,
    injectCSS: false,
    editorProps: {
      attributes: {role: "textbox", "aria-multiline": "true", class: "nr-body", ...label(textarea)},
      transformPastedHTML: cleanPastedHTML,
    },
    onUpdate({editor}) {
      textarea.value = bodyHTML(editor);
      textarea.dispatchEvent(new Event("input", {bubbles: true}));
    },
  });
}

function setUp(textarea) {
  if (textarea.closest(".prose-editor")) { return; }
  const config = JSON.parse(textarea.getAttribute(CONFIG));
  const editor = createEditor(textarea, extensionsFrom(config));
  // The textarea holds the body as the editor writes it from the start (attribute order,
  // list paragraphs), so the crash copy compares like with like and offers no copy that
  // only differs in how the server wrote the same text.
  textarea.value = bodyHTML(editor);
  // Clicking the field's label focuses the editor, not the hidden textarea.
  const text = document.getElementById(editor.view.dom.getAttribute("aria-labelledby"));
  if (text) { text.addEventListener("click", (event) => { event.preventDefault(); editor.commands.focus(); }); }
  textarea.addEventListener("nr-restore", () => {
    editor.commands.setContent(textarea.value, {emitUpdate: false});
  });
}

prose.initializeEditors(setUp, `[${CONFIG}]`);
