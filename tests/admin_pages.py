"""Filling the article admin form in a real browser, as an editor types it."""


def fill_story(page, *, headline, standfirst, body, dateline):
    """Type the story's text into the add or change form (the rich editor when it is
    there, the plain body textarea when it is not)."""
    page.fill("#id_headline", headline)
    page.fill("#id_standfirst", standfirst)
    area = page.locator(".nr-editor-area")
    if area.count():
        area.click()
        page.keyboard.type(body)
    else:
        page.fill("#id_body", f"<p>{body}</p>")
    page.fill("#id_dateline", dateline)
