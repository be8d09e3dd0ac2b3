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
    },
    onUpdate({editor}) {
      const html = editor.getHTML();
      textarea.value = /^<(\w+)(\s[^>]*)?><\/\1>$/i.test(html) ? "" : html;  // an empty paragraph is empty
      textarea.dispatchEvent(new Event("input", {bubbles: true}));
    },
  });
}

function setUp(textarea) {
  if (textarea.closest(".prose-editor")) { return; }
  const config = JSON.parse(textarea.getAttribute(CONFIG));
  const editor = createEditor(textarea, extensionsFrom(config));
  // Clicking the field's label focuses the editor, not the hidden textarea.
  const text = document.getElementById(editor.view.dom.getAttribute("aria-labelledby"));
  if (text) { text.addEventListener("click", (event) => { event.preventDefault(); editor.commands.focus(); }); }
  textarea.addEventListener("nr-restore", () => {
    editor.commands.setContent(textarea.value, {emitUpdate: false});
  });
}

prose.initializeEditors(setUp, `[${CONFIG}]`);
