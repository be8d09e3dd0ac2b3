"""The desk in a real browser: the body editor, the crash copy, and two people editing."""

import pytest

from articles.models import Article
from tests.admin_pages import change_url, move_caret
from tests.factories import make_article, make_editor, make_reporter
from tests.signing_in import signed_in_page as logged_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_body_editor_formats_text_and_only_safe_markup_is_saved(browser, live_server):
    """Arun adds a subheading from the block menu and a paragraph he makes bold with
    the toolbar; the stored body is the editor's markup."""
    reporter = make_reporter()
    article = make_article(status=Article.Status.DRAFT, created_by=reporter,
                           body="<p>First paragraph.</p>")
    page = logged_in_page(browser, live_server, reporter)
    page.goto(change_url(live_server, article))
    area = page.locator(".ProseMirror.nr-body")
    area.click()
    move_caret(page, "Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("Reaction")
    page.locator(".prose-menubar__selected").click()  # the block type menu
    page.locator(".prose-menubar__picker [data-name=heading2]").click()
    page.keyboard.press("Enter")
    page.keyboard.type("Moscow said yes")
    # The editor has taken in the typing, and then the words are selected, before the
    # toolbar is used: on a busy machine the button could otherwise turn bold on for the
    # next typing only.
    page.wait_for_function("document.querySelector('#id_body').value.includes('said yes')")
    page.keyboard.press("Shift+Home")
    page.wait_for_function("window.getSelection().toString() === 'Moscow said yes'")
    page.get_by_role("button", name="bold", exact=True).click()
    page.locator("button[data-name=bold].active").wait_for()
    page.click(".nr-workflow button[value=save]")
    page.wait_for_selector(".messagelist .success")
    article.refresh_from_db()
    assert article.body == ("<p>First paragraph.</p><h2>Reaction</h2>"
                            "<p><strong>Moscow said yes</strong></p>")


def test_a_crashed_browser_loses_nothing_the_editor_held(browser, live_server):
    """The form, the body editor's text included (read through its textarea), is
    autosaved on the server as Arun types; his browser crashes, and another one offers it
    back into the fields and the editor."""
    reporter = make_reporter()
    article = make_article(status=Article.Status.DRAFT, created_by=reporter,
                           standfirst="Before the crash.", body="<p>Saved text.</p>")
    page = logged_in_page(browser, live_server, reporter)
    page.goto(change_url(live_server, article))
    page.fill("#id_standfirst", "Typed just before the tab crashed.")
    page.locator(".ProseMirror.nr-body").click()
    move_caret(page, "Control+End")
    page.keyboard.type(" Typed before the crash.")
    page.locator(".nr-autosave-state", has_text="Autosaved at").wait_for()
    page.context.close()  # the crash: nothing more is sent

    other = logged_in_page(browser, live_server, reporter)
    other.goto(change_url(live_server, article))
    area = other.locator(".ProseMirror.nr-body")
    assert area.inner_text() == "Saved text."
    offer = other.get_by_role("button", name="Restore your unsaved changes", exact=False)
    offer.click()
    assert other.input_value("#id_standfirst") == "Typed just before the tab crashed."
    assert area.inner_text() == "Saved text. Typed before the crash."
    other.click(".nr-workflow button[value=save]")
    other.wait_for_selector(".messagelist .success")
    article.refresh_from_db()
    assert article.standfirst == "Typed just before the tab crashed."
    assert article.body == "<p>Saved text. Typed before the crash.</p>"
    other.context.close()


def test_second_of_two_editors_is_told_and_keeps_their_text(browser, live_server):
    """Priya and a colleague edit one story in two browsers; the later save is refused."""
    article = make_article(status=Article.Status.REVIEW, standfirst="Original.")
    priya = logged_in_page(browser, live_server, make_editor("priya"))
    colleague = logged_in_page(browser, live_server, make_editor("colleague"))
    priya.goto(change_url(live_server, article))
    colleague.goto(change_url(live_server, article))

    colleague.fill("#id_standfirst", "Colleague's fix.")
    colleague.click(".nr-workflow button[value=save]")
    colleague.wait_for_selector(".messagelist .success")

    priya.fill("#id_standfirst", "Priya's rewrite.")
    priya.click(".nr-workflow button[value=save]")
    error = priya.locator(".errornote, .errorlist.nonfield").first
    error.wait_for()
    assert "saved this article at" in priya.content()
    assert priya.input_value("#id_standfirst") == "Priya's rewrite."
    article.refresh_from_db()
    assert article.standfirst == "Colleague's fix."
