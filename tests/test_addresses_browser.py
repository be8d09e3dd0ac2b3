"""Addresses in a real browser: Priya renames a published story's slug, moves its
publication date, and a reader following the old links lands on the story; a draft's
slug follows its new headline."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_editor
from tests.signing_in import sign_in_with_browser

PASSWORD = "correct horse battery"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def press(page, name):
    """Press a bar button and wait for the article page it returns to."""
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()
    return page.locator(".messagelist li").first.inner_text()


def address(article):
    return Article.objects.get(pk=article.pk).get_absolute_url()


def test_editor_renames_a_published_slug_and_the_old_link_still_leads_there(
    browser, live_server, screenshot_dir
):
    article = make_article("India and Russia sign a trade pact",
                           slug="india-and-russia-sign-a-trade-pact",
                           published_at=timezone.now() - timedelta(days=3))
    old = address(article)
    editor_page = sign_in_with_browser(
        browser.new_context(viewport={"width": 1280, "height": 900}).new_page(),
        live_server, make_editor(), PASSWORD)
    editor_page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    editor_page.fill("#id_slug", "pact-signed-in-moscow")
    assert "It stays live." in press(editor_page, "Update")
    renamed = address(article)
    assert renamed.endswith("/pact-signed-in-moscow/")

    reader = browser.new_context(viewport={"width": 360, "height": 800}).new_page()
    response = reader.goto(f"{live_server.url}{old}")
    assert response.status == 200
    assert response.request.redirected_from.response().status == 301
    assert reader.url == f"{live_server.url}{renamed}"
    assert reader.get_by_role("heading", level=1).inner_text() == (
        "India and Russia sign a trade pact")

    # The date moves too: both earlier links lead to the story's new address.
    day = timezone.localtime(article.published_at) - timedelta(days=2)
    editor_page.fill("#id_published_at", f"{day:%Y-%m-%d}T08:30")
    assert "It stays live." in press(editor_page, "Update")
    moved = address(article)
    assert f"{day:/%Y/%m/%d/}" in moved
    for link in (old, renamed):
        reader.goto(f"{live_server.url}{link}")
        assert reader.url == f"{live_server.url}{moved}"
    reader.screenshot(path=str(screenshot_dir / "address-followed-360.png"), full_page=True)
    reader.context.close()
    editor_page.context.close()


def test_a_drafts_slug_follows_its_new_headline(browser, live_server):
    article = make_article("Old headline", slug="old-headline", status=Article.Status.DRAFT)
    page = sign_in_with_browser(browser.new_context().new_page(), live_server,
                                make_editor(), PASSWORD)
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.fill("#id_headline", "Ministers meet in Delhi on Friday")
    assert "It is a draft." in press(page, "Save")
    assert page.input_value("#id_slug") == "ministers-meet-in-delhi-on-friday"
    page.context.close()
