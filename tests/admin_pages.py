"""Filling the article admin form in a real browser, as an editor types it."""


def fill_story(page, *, headline, standfirst, body, dateline):
    """Type the story's text into the add or change form (the rich editor when it is
    there, the plain body textarea when it is not)."""
    page.fill("#id_headline", headline)
    page.fill("#id_standfirst", standfirst)
    area = page.locator(".ProseMirror.nr-body")
    if area.count():
        area.click()
        page.keyboard.type(body)
    else:
        page.fill("#id_body", f"<p>{body}</p>")
    page.fill("#id_dateline", dateline)


def move_caret(page, key):
    """Press a key that moves the caret in the body editor, and wait until the editor has
    seen the move (ProseMirror reads the browser's selection when it says it changed; a
    caret already there does not move, hence the time limit)."""
    page.evaluate("""() => { window.caretMoved = new Promise((done) => {
        document.addEventListener("selectionchange", () => setTimeout(done), {once: true});
        setTimeout(done, 500);
    }); }""")
    page.keyboard.press(key)
    page.evaluate("() => window.caretMoved")


def change_url(live_server, article):
    """The article's change form on the live server."""
    return f"{live_server.url}/admin/articles/article/{article.pk}/change/"
