"""The body editor (django-prose-editor) in a real browser: pasting from Word and Google
Docs stores clean paragraphs, a story is written with the keyboard alone, the change form
has no axe (WCAG 2.1 AA) violation at 1280 and 360 px, and with JavaScript off the body is
a plain textarea and the tags plain multi-selects. Each page is watched for anything the
admin's Content-Security-Policy blocks."""


import pytest

from articles.models import Article
from tests.accessibility import axe_violations, require_axe
from tests.admin_pages import change_url
from tests.factories import country, make_article, make_editor, make_minister, make_reporter
from tests.pasted_html import (
    GOOGLE_DOCS,
    GOOGLE_DOCS_STORED,
    REPORT,
    REPORT_STORED,
    WORD,
    WORD_STORED,
)
from tests.test_csp_browser import visit, watched_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# axe-core 4.14.1, as .ci/run installs it (npm i axe-core).


def open_editor(page, watch, url):
    visit(page, watch, url)
    area = page.locator(".ProseMirror.nr-body")
    area.wait_for()
    return area


def save(page):
    with page.expect_navigation():
        page.click(".nr-workflow button[value=save]")
    assert page.locator(".messagelist .success").count() == 1


def paste_html(page, html, text):
    """Copy HTML as a word processor does (its own copy handler fills the clipboard,
    unsanitised) and paste it with Ctrl+V."""
    page.evaluate(
        """([html, text]) => window.addEventListener("copy", (event) => {
             event.clipboardData.setData("text/html", html);
             event.clipboardData.setData("text/plain", text);
             event.preventDefault();
             event.stopImmediatePropagation();
           }, {capture: true, once: true})""",
        [html, text],
    )
    page.keyboard.press("Control+C")
    page.keyboard.press("Control+V")


@pytest.mark.parametrize(("pasted", "stored"), [(WORD, WORD_STORED),
                                                (GOOGLE_DOCS, GOOGLE_DOCS_STORED),
                                                (REPORT, REPORT_STORED)],
                         ids=["word", "google-docs", "title-table-invisibles"])
def test_text_pasted_from_a_word_processor_is_stored_as_clean_paragraphs(
    browser, live_server, pasted, stored
):
    """Arun pastes his draft from Word (or Google Docs): paragraphs, bold and italic
    stay; the styles, classes, spans and Office tags never reach the database."""
    reporter = make_reporter()
    article = make_article(status=Article.Status.DRAFT, created_by=reporter, body="")
    context, watch = watched_context(browser, live_server, reporter)
    page = context.new_page()
    open_editor(page, watch, change_url(live_server, article)).click()
    paste_html(page, pasted, "plain text the editor should not need")
    save(page)
    article.refresh_from_db()
    assert article.body == stored
    context.close()
    assert watch.problems() == []


def test_a_story_is_written_with_the_keyboard_alone(browser, live_server, screenshot_dir):
    """Tab reaches the toolbar, whose block menu makes a subhead, and the text; Markdown-
    style typing and shortcuts make a list, a quote, a second subhead and bold; the link
    button opens a dialog typed into; Tab leaves the editor for the next field; the bar's
    Save is pressed with Enter; the crash copy then has nothing to offer."""
    editor = make_editor()
    article = make_article(status=Article.Status.REVIEW, body="")
    context, watch = watched_context(browser, live_server, editor)
    page = context.new_page()
    open_editor(page, watch, change_url(live_server, article))

    def focused(selector):
        return page.evaluate("s => document.activeElement.matches(s)", selector)

    page.focus("#id_standfirst")
    page.keyboard.press("Tab")
    assert focused(".prose-menubar button[aria-label=paragraph]")  # the block menu first
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert focused(".prose-menubar__picker [data-name=heading2]")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.matches('.ProseMirror.nr-body')")
    page.keyboard.type("Freight\n- Chennai\n\n> We are ready.\n\n")
    page.keyboard.press("Control+Alt+3")
    page.keyboard.type("Ports\nSaid the ministry")
    page.keyboard.press("Control+Shift+ArrowLeft")  # the word just typed
    # The toolbar follows the editor's state: a selection enables the link button.
    page.locator("button[data-name=link]:not(.disabled)").wait_for()
    page.keyboard.press("Control+b")
    page.locator("button[data-name=bold].active").wait_for()
    for _ in range(5):  # back along the toolbar to its link button
        page.keyboard.press("Shift+Tab")
        if focused("button[data-name=link]"):
            break
    assert focused("button[data-name=link]")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.name === 'href'")
    page.screenshot(path=str(screenshot_dir / "body-editor-link-dialog.png"))
    page.keyboard.type("https://example.org/statement")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.matches('.ProseMirror.nr-body')")
    page.keyboard.press("Tab")
    assert focused("#id_dateline")
    page.keyboard.type("Moscow")
    page.focus(".nr-workflow button[value=save]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    article.refresh_from_db()
    assert article.body == (
        "<h2>Freight</h2><ul><li><p>Chennai</p></li></ul>"
        "<blockquote><p>We are ready.</p></blockquote><h3>Ports</h3><p>Said the "
        '<a href="https://example.org/statement">'
        "<strong>ministry</strong></a></p>"
    )
    assert article.dateline == "Moscow"
    # The crash copy kept while typing matches what was saved: nothing is offered back.
    assert page.locator(".nr-autosave").count() == 0
    context.close()
    assert watch.problems() == []


@pytest.mark.parametrize("width", [1280, 360])
def test_the_change_form_has_no_axe_violations(browser, live_server, screenshot_dir, width):
    """axe-core's WCAG 2.1 A and AA rules find nothing on the form with the editor."""
    require_axe()
    article = make_article(status=Article.Status.REVIEW, countries=["IN"],
                           body="<p>Talks resumed.</p><h2>Freight</h2><ul><li><p>Chennai"
                                "</p></li></ul><blockquote><p>Ready.</p></blockquote>")
    # Playwright injects axe as an inline script, which the admin's policy would refuse.
    context, watch = watched_context(browser, live_server, make_editor(), bypass_csp=True,
                                     viewport={"width": width, "height": 900})
    page = context.new_page()
    open_editor(page, watch, change_url(live_server, article))
    page.screenshot(path=str(screenshot_dir / f"body-editor-{width}.png"), full_page=True)
    violations = axe_violations(page)
    assert violations == [], "\n".join(violations)
    width_used = page.evaluate("document.documentElement.scrollWidth")
    assert width_used <= width  # nothing pushes the form sideways on a phone
    context.close()


def test_with_javascript_off_the_body_is_a_textarea_and_tags_are_multi_selects(
    browser, live_server
):
    """Arun's browser runs no script: he types paragraphs into the plain textarea and
    picks a country and a minister from plain lists; the story is stored as paragraphs
    with its tags."""
    reporter = make_reporter()
    wang = make_minister("Wang Yi")
    article = make_article(status=Article.Status.DRAFT, created_by=reporter, body="")
    context, watch = watched_context(browser, live_server, reporter, java_script_enabled=False)
    page = context.new_page()
    page.goto(change_url(live_server, article))  # no script runs: nothing to settle
    assert page.locator(".ProseMirror").count() == 0
    page.fill("#id_body", "Delegations met on Monday.\n\nThe corridor opens in spring.")
    page.select_option("#id_countries", [str(country("IN").pk), str(country("RU").pk)])
    page.select_option("#id_ministers", [str(wang.pk)])
    save(page)
    article.refresh_from_db()
    assert article.body == ("<p>Delegations met on Monday.</p>"
                            "<p>The corridor opens in spring.</p>")
    assert sorted(article.countries.names()) == ["India", "Russia"]
    assert list(article.ministers.names()) == ["Wang Yi"]
    context.close()
    assert watch.problems() == []
