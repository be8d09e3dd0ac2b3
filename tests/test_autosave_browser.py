"""Nothing ever lost, in a real browser: a tab closed without saving offers its text back
in another browser; a session that ends mid-edit gives the text back after signing in
again; two editors on one story see each other, and neither is locked out."""

import re
import time

import pytest
from django.contrib.sessions.backends.cached_db import SessionStore
from django.db import connection
from django.utils import timezone

from articles.admin import autosave
from articles.editorial.roles import EDITOR
from articles.models import Article, AutosavedCopy
from tests.admin_pages import change_url
from tests.factories import country, make_article, make_editor, make_reporter, make_user
from tests.signing_in import signed_in_page as signed_in

PASSWORD = "correct horse battery"

pytestmark = [
    pytest.mark.browser, pytest.mark.django_db(transaction=True),
    # Long journeys with several browsers at once: on SQLite the test database is one
    # connection that the live server's threads share, and two requests at once can
    # break each other's savepoints ("no such savepoint"), which no real site has.
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="heavy: the PostgreSQL pass (several browsers at once)"),
]


@pytest.fixture(autouse=True)
def _quick_timers(monkeypatch):
    """The form's timers, shortened so a test need not wait for them."""
    monkeypatch.setattr(autosave, "AUTOSAVE_EVERY_MS", 500)
    monkeypatch.setattr(autosave, "HEARTBEAT_EVERY_MS", 500)


def press(page, name):
    """Press a button of the form's bar and wait for the page it leads to."""
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def close_and_wait_for_copy(page, user):
    """Close the tab as a reader would, and wait until its page-hide copy has reached the
    server (the beacon is sent as the tab goes and arrives in its own time)."""
    page.close(run_before_unload=True)
    deadline = time.monotonic() + 15
    while not AutosavedCopy.objects.filter(user=user).exists():
        assert time.monotonic() < deadline, "the closed tab's copy never reached the server"
        time.sleep(0.1)


def restore(page):
    offer = page.get_by_role("button", name="Restore your unsaved changes", exact=False)
    offer.wait_for()
    offer.click()


def test_a_tab_closed_without_saving_offers_its_text_in_another_browser(
    browser, live_server, monkeypatch
):
    """Arun's laptop: he types and closes the tab; on the desk's PC the text comes back.

    No timed autosave runs before the tab closes: only the page-hide one can save it."""
    monkeypatch.setattr(autosave, "AUTOSAVE_EVERY_MS", 600_000)
    reporter = make_reporter()
    article = make_article(status=Article.Status.DRAFT, created_by=reporter,
                           standfirst="The first standfirst.")
    laptop = signed_in(browser, live_server, reporter)
    laptop.goto(change_url(live_server, article))
    laptop.fill("#id_standfirst", "Typed on the laptop and never saved.")
    close_and_wait_for_copy(laptop, reporter)

    desk_pc = signed_in(browser, live_server, reporter)
    desk_pc.goto(change_url(live_server, article))
    assert desk_pc.locator("#id_standfirst").input_value() == "The first standfirst."
    restore(desk_pc)

    assert desk_pc.locator("#id_standfirst").input_value() == \
        "Typed on the laptop and never saved."
    assert Article.objects.get().standfirst == "The first standfirst."  # not until saved
    press(desk_pc, "Save draft")
    assert Article.objects.get().standfirst == "Typed on the laptop and never saved."
    assert not AutosavedCopy.objects.exists()
    laptop.context.close()
    desk_pc.context.close()


def test_a_session_ended_mid_edit_gives_the_text_back_after_signing_in(browser, live_server):
    reporter = make_reporter()
    article = make_article(status=Article.Status.DRAFT, created_by=reporter,
                           standfirst="Before the session ended.")
    page = signed_in(browser, live_server, reporter)
    page.goto(change_url(live_server, article))
    cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    SessionStore(session_key=cookie["value"]).delete()  # ended on the server (idle, elsewhere)

    page.fill("#id_standfirst", "Typed after the session had ended.")
    page.get_by_text("You are signed out", exact=False).wait_for()
    press(page, "Save draft")  # to the sign-in page
    page.wait_for_selector("#id_username")
    page.fill("#id_username", reporter.get_username())
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#article_form")
    assert page.url == change_url(live_server, article)

    restore(page)
    assert page.locator("#id_standfirst").input_value() == "Typed after the session had ended."
    page.get_by_text("Autosaved at", exact=False).wait_for()  # the server has it again
    assert AutosavedCopy.objects.get().fields["standfirst"] == \
        ["Typed after the session had ended."]
    page.context.close()


def test_two_editors_on_one_story_see_each_other_and_both_may_save(browser, live_server):
    asha = make_user("asha", role=EDITOR, first_name="Asha", last_name="Rao")
    article = make_article(status=Article.Status.REVIEW)
    first = signed_in(browser, live_server, asha)
    first.goto(change_url(live_server, article))
    since = timezone.localtime().strftime("%H:%M")

    second = signed_in(browser, live_server, make_editor())
    second.goto(change_url(live_server, article))
    assert second.locator(".nr-presence").inner_text() == \
        f"Asha Rao has had this article open since {since}."
    first.get_by_text("Priya Sharma has had this article open since", exact=False).wait_for()

    second.close(run_before_unload=True)
    first.locator(".nr-presence").wait_for(state="hidden")
    first.fill("#id_standfirst", "Nothing was locked.")
    press(first, "Save")
    assert Article.objects.get().standfirst == "Nothing was locked."
    first.context.close()
    second.context.close()


def test_a_refused_stale_save_shows_their_change_and_lets_me_keep_my_text(browser,
                                                                          live_server):
    asha = make_user("asha", role=EDITOR, first_name="Asha", last_name="Rao")
    article = make_article(status=Article.Status.REVIEW)
    first = signed_in(browser, live_server, asha)
    first.goto(change_url(live_server, article))
    first.fill("#id_dateline", "Chennai")
    press(first, "Save")  # version 2, in the history
    priya = make_editor()
    second = signed_in(browser, live_server, priya)
    second.goto(change_url(live_server, article))
    first.fill("#id_dateline", "Vladivostok")
    press(first, "Save")  # version 3

    second.fill("#id_standfirst", "Priya's standfirst, written meanwhile.")
    # This browser also holds an older copy of hers, unlike the form: still no offer.
    second.add_init_script(
        f"localStorage.setItem('newsroom:autosave:{priya.pk}:{article.pk}', JSON.stringify("
        "{savedAt: Date.now(), openedVersion: '1', fields: {standfirst: ['Older.']}}));")
    press(second, "Save")
    stale = second.locator(".nr-stale")
    stale.wait_for()
    assert "Chennai Vladivostok" in stale.locator("dd").first.inner_text()
    assert stale.get_by_role("link", name="Load their version").count() == 1
    # Asha saved and carries on in the story: the page says she has it open.
    assert "Asha Rao has had this article open" in second.locator(".nr-presence").inner_text()
    # Only the page's own two choices: no offer to restore the text the form holds.
    assert second.locator(".nr-autosave-offer").count() == 1
    assert second.locator(".nr-autosave-offer").is_hidden()
    assert not second.get_by_role("button", name=re.compile("Restore")).is_visible()
    stale.get_by_role("button", name="Keep editing my text").click()
    assert "saving now puts your text over theirs" in stale.inner_text()
    press(second, "Save")

    saved = Article.objects.get()
    assert (saved.standfirst, saved.version) == ("Priya's standfirst, written meanwhile.", 4)
    first.context.close()
    second.context.close()


def test_a_copy_made_before_someone_elses_save_is_not_saved_over_it_unseen(
    browser, live_server, monkeypatch
):
    """Restored after an editor saved, Arun's copy's save shows the editor's change first."""
    monkeypatch.setattr(autosave, "AUTOSAVE_EVERY_MS", 600_000)
    asha = make_user("asha", role=EDITOR, first_name="Asha", last_name="Rao")
    reporter = make_reporter()
    article = make_article(status=Article.Status.REVIEW, created_by=reporter)
    colleague = signed_in(browser, live_server, asha)
    colleague.goto(change_url(live_server, article))
    press(colleague, "Save")  # version 2, in the history
    closed_tab = signed_in(browser, live_server, reporter)
    closed_tab.goto(change_url(live_server, article))
    closed_tab.fill("#id_standfirst", "Arun's standfirst, from a tab she closed.")
    close_and_wait_for_copy(closed_tab, reporter)
    colleague.fill("#id_dateline", "Vladivostok")
    press(colleague, "Save")  # version 3

    page = signed_in(browser, live_server, reporter)
    page.goto(change_url(live_server, article))
    restore(page)
    assert "Someone has saved the article since" in page.locator(".nr-autosave-offer").inner_text()
    press(page, "Save")

    stale = page.locator(".nr-stale")
    stale.wait_for()
    assert "Vladivostok" in stale.inner_text()
    assert Article.objects.get().standfirst != "Arun's standfirst, from a tab she closed."
    colleague.context.close()
    closed_tab.context.close()
    page.context.close()


def test_restored_tags_show_in_their_pickers_and_are_saved(browser, live_server):
    """A copy's tags need not be among the picker's options: restored, they show by name."""
    reporter = make_reporter()
    article = make_article(status=Article.Status.DRAFT, created_by=reporter)
    india = country("IN")
    AutosavedCopy.objects.create(user=reporter, article=article, opened_version=1,
                                 saved_at=timezone.now(),
                                 fields={"countries": [str(india.pk)], "dateline": ["Delhi"]})
    page = signed_in(browser, live_server, reporter)
    page.goto(change_url(live_server, article))
    restore(page)

    assert "India" in page.locator(".field-countries").inner_text()
    press(page, "Save draft")
    saved = Article.objects.get()
    assert list(saved.countries.all()) == [india] and saved.dateline == "Delhi"
    page.context.close()
