"""The front page screen in a real browser: an editor picks the lead with the
autocomplete, saves, and the home page leads with it; the screen keeps the admin's
Content-Security-Policy."""

import pytest

from tests.factories import make_article
from tests.signing_in import sign_in_with_browser
from tests.test_csp_browser import CSPWatch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_picks_the_lead_with_the_autocomplete(browser, live_server, editor):
    make_article("Newest corridor story", slug="newest-corridor")
    make_article("Older harbour story", slug="older-harbour",
                 published_at=make_article().published_at.replace(year=2025))
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    watch = CSPWatch(context)
    page = sign_in_with_browser(context.new_page(), live_server, editor,
                                "correct horse battery")

    page.goto(f"{live_server.url}/admin/articles/frontpageslot/")
    page.click("#id_position_1 + .select2")
    page.locator(".select2-container--open .select2-search__field").fill("harbour")
    page.locator(".select2-results__option", has_text="Older harbour story").click()
    page.click("input[type=submit][value='Save the front page']")

    assert "“Older harbour story” leads" in page.locator(".messagelist").inner_text()
    page.goto(f"{live_server.url}/")
    assert page.locator(".front__lead h2").inner_text() == "Older harbour story"
    assert not watch.violations and not watch.errors
