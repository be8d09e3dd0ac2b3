/* The article form's safety net (articles/admin/autosave.py).

   Every few seconds, and when the page is hidden or closed, the form's fields (read
   generically from the form, whatever editor keeps them) are sent to the server as this
   person's copy: reopening the article in any browser offers it back. While the session
   is gone (signed out, expired) the server refuses, so the copy is also kept in this
   browser until the server has it; after signing in again it is offered back from here
   and sent again. The form also tells the server it is still open, and shows who else
   has the article open. */
(function () {
  "use strict";
  const SKIPPED = new Set(["csrfmiddlewaretoken", "version", "workflow"]);

  function formState(form) {
    const fields = {};
    for (const [name, value] of new FormData(form)) {
      if (SKIPPED.has(name) || name.startsWith("_") || typeof value !== "string") { continue; }
      (fields[name] = fields[name] || []).push(value);
    }
    return fields;
  }

  function sameState(copy, current) {
    const names = new Set([...Object.keys(copy), ...Object.keys(current)]);
    for (const name of names) {
      const a = (copy[name] || []).slice().sort().join("\u0000");
      const b = (current[name] || []).slice().sort().join("\u0000");
      if (a !== b) { return false; }
    }
    return true;
  }

  function csrfToken(form) {
    // The cookie first: signing in again (in another tab) gives a new token.
    const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
    return cookie ? cookie.slice("csrftoken=".length) : form.elements.csrfmiddlewaretoken.value;
  }

  function setValues(form, fields, labels) {
    for (const [name, values] of Object.entries(fields)) {
      const found = form.elements.namedItem(name);
      if (!found) { continue; }
      const elements = found instanceof RadioNodeList ? Array.from(found) : [found];
      for (const element of elements) {
        if (element.type === "file" || element.type === "hidden" && name.endsWith("-id")) {
          continue;
        }
        if (element.type === "checkbox" || element.type === "radio") {
          element.checked = values.includes(element.value);
        } else if (element.tagName === "SELECT") {
          for (const value of values) {
            const known = Array.from(element.options).some((o) => o.value === value);
            const label = (labels[name] || {})[value];
            if (!known && label) { element.add(new Option(label, value)); }
          }
          for (const option of element.options) { option.selected = values.includes(option.value); }
        } else {
          element.value = values[0] || "";
        }
        element.dispatchEvent(new Event("input", {bubbles: true}));
        element.dispatchEvent(new Event("change", {bubbles: true}));
        element.dispatchEvent(new CustomEvent("nr-restore"));
      }
    }
    if (window.django && window.django.jQuery) {  // the tag pickers (select2) redraw
      window.django.jQuery(form).find("select.admin-autocomplete").trigger("change");
    }
  }

  function start(form, box) {
    const url = box.dataset.url;
    const localKey = box.dataset.storageKey;
    const state = box.querySelector(".nr-autosave-state");
    const presence = box.querySelector(".nr-presence");
    let sent = JSON.stringify(formState(form));  // what the server holds or the page shows
    let sending = false;

    function say(text, problem) {
      state.textContent = text;
      state.classList.toggle("nr-problem", Boolean(problem));
    }

    function keepLocally(fields) {
      try {
        localStorage.setItem(localKey, JSON.stringify(
          {savedAt: Date.now(), fields, openedVersion: box.dataset.openedVersion}));
      } catch (e) { /* full or forbidden: the server copy is the first line anyway */ }
    }

    function payload(fields) {
      const body = new FormData();
      body.append("csrfmiddlewaretoken", csrfToken(form));
      body.append("fields", JSON.stringify(fields));
      body.append("opened_version", box.dataset.openedVersion);
      return body;
    }

    async function send() {
      const fields = formState(form);
      const text = JSON.stringify(fields);
      if (text === sent || sending) { return; }
      keepLocally(fields);
      sending = true;
      try {
        const response = await fetch(url, {method: "POST", body: payload(fields),
          credentials: "same-origin", redirect: "manual"});
        if (response.ok) {
          sent = text;
          localStorage.removeItem(localKey);
          say("Autosaved at " + (await response.json()).saved_at + ".");
        } else {
          // JSON says why; a redirect (to sign in) or an HTML 403 (a stale token) means
          // the session is gone.
          const answer = await response.json().catch(() => ({}));
          say(answer.error || "You are signed out, so your changes are kept only in this " +
              "browser. Sign in again (in another tab, or by saving): they will be saved " +
              "here again.", true);
        }
      } catch (e) {
        say("Offline: your changes are kept in this browser until the server answers.", true);
      } finally {
        sending = false;
      }
    }

    function sendNow() {  // the page is going away: no answer will be read
      const fields = formState(form);
      if (JSON.stringify(fields) === sent) { return; }
      keepLocally(fields);
      navigator.sendBeacon(url, payload(fields));
    }

    function discard() {
      localStorage.removeItem(localKey);
      const body = new FormData();
      body.append("csrfmiddlewaretoken", csrfToken(form));
      body.append("discard", "1");
      fetch(url, {method: "POST", body, credentials: "same-origin", redirect: "manual"});
    }

    offer(form, box, localKey, {discard, restored: () => { sent = ""; send(); }});
    setInterval(send, Number(box.dataset.every) || 5000);
    window.addEventListener("pagehide", sendNow);
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") { sendNow(); }
    });
    form.addEventListener("submit", () => {
      // The session may have changed since the page was made (signed in again).
      form.elements.csrfmiddlewaretoken.value = csrfToken(form);
      const fields = formState(form);
      if (JSON.stringify(fields) !== sent) { keepLocally(fields); }  // until the save is seen
      sent = JSON.stringify(fields);  // the save itself carries it now
    });
    if (box.dataset.presenceUrl) { watchPresence(form, box, presence); }
    keepMine(form, box);
  }

  function offer(form, box, localKey, actions) {
    const server = document.getElementById("nr-autosave-copy");
    const serverCopy = server ? JSON.parse(server.textContent) : null;
    let local = null;
    try { local = JSON.parse(localStorage.getItem(localKey) || "null"); } catch (e) { local = null; }
    const current = formState(form);
    if (local && sameState(local.fields, current)) {
      localStorage.removeItem(localKey);  // saved since: nothing to offer
      local = null;
    }
    const newKey = box.dataset.newKey;  // a new article's copy, now saved as this one?
    if (newKey !== localKey) {
      try {
        const added = JSON.parse(localStorage.getItem(newKey) || "null");
        if (added && sameState(added.fields, current)) { localStorage.removeItem(newKey); }
      } catch (e) { /* nothing to tidy */ }
    }
    // The newer of the two: this browser's copy is newer only if the server missed it.
    let copy = serverCopy;
    if (local && (!copy || local.savedAt > copy.saved_ms)) {
      const when = new Date(local.savedAt).toLocaleTimeString("en-GB", {hour: "2-digit", minute: "2-digit", hour12: false});
      copy = {fields: local.fields, labels: (serverCopy && serverCopy.labels) || {},
        saved_at: when, opened_version: Number(local.openedVersion) || null,
        newer_save: Number(local.openedVersion) < Number(box.dataset.openedVersion)};
    }
    if (!copy || sameState(copy.fields, current)) { return; }
    // A refused stale save: the form already holds this person's text, and the page's
    // own two choices (keep mine, load theirs) are the only ways on.
    if (box.dataset.stale) { return; }
    const note = box.querySelector(".nr-autosave-offer");
    const text = document.createElement("p");
    text.textContent = "You have unsaved changes to this article from " + copy.saved_at + "." +
      (copy.newer_save ? " Someone has saved the article since: restored, your save will " +
        "show what they changed before it replaces their version." : "");
    const restore = document.createElement("button");
    restore.type = "button";
    restore.className = "button";
    restore.textContent = "Restore your unsaved changes from " + copy.saved_at;
    const drop = document.createElement("button");
    drop.type = "button";
    drop.className = "button";
    drop.textContent = "Discard";
    note.append(text, restore, drop);
    note.hidden = false;
    restore.addEventListener("click", () => {
      setValues(form, copy.fields, copy.labels || {});
      if (copy.opened_version && form.elements.version) {
        // Made before a later save: saving it is refused as stale, showing that save.
        form.elements.version.value = copy.opened_version;
        box.dataset.openedVersion = copy.opened_version;
      }
      note.hidden = true;
      actions.restored();
    });
    drop.addEventListener("click", () => {
      actions.discard();
      note.hidden = true;
    });
  }

  function watchPresence(form, box, presence) {
    const url = box.dataset.presenceUrl;
    function beat(leaving) {
      const body = new FormData();
      body.append("csrfmiddlewaretoken", csrfToken(form));
      if (leaving) {
        body.append("leaving", "1");
        navigator.sendBeacon(url, body);
        return;
      }
      fetch(url, {method: "POST", body, credentials: "same-origin", redirect: "manual"})
        .then((response) => (response.ok ? response.json() : null))
        .then((answer) => {
          if (answer) {
            presence.textContent = answer.others;
            presence.hidden = !answer.others;
          }
        })
        .catch(() => {});
    }
    setInterval(() => beat(false), Number(box.dataset.heartbeat) || 20000);
    // A save leaves the page only after the server has answered, often with this same
    // form again: saying "leaving" then would undo the new page's presence, and others
    // would be told nobody has it open. Left for the list, the row simply lapses.
    let saving = false;
    form.addEventListener("submit", () => { saving = true; });
    window.addEventListener("pagehide", () => { if (!saving) { beat(true); } });
  }

  function keepMine(form, box) {
    const button = document.querySelector("[data-keep-mine]");
    if (!button) { return; }
    button.hidden = false;
    button.addEventListener("click", () => {
      form.elements.version.value = button.dataset.keepMine;
      box.dataset.openedVersion = button.dataset.keepMine;
      button.closest(".nr-stale-choices").hidden = true;
      document.querySelector(".nr-stale-kept").hidden = false;
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("article_form");
    const box = document.getElementById("nr-autosave");
    if (form && box) { start(form, box); }
  });
})();
