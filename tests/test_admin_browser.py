"""The article list in a real browser: an editor finds any country by typing its name."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import country, make_article, make_editor
from tests.signing_in import sign_in_with_browser

PASSWORD = "correct horse battery"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editor_filters_the_list_by_a_country_typed_in_the_sidebar(
    browser, live_server, screenshot_dir
):
    """Zambia is not among the month's most covered: typing “zam” finds it in two clicks."""
    editor = make_editor()
    make_article("Recent India story", countries=["IN"])
    make_article("Old Zambia story", countries=["ZM"],
                 published_at=timezone.now() - timedelta(days=400))
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in_with_browser(page, live_server, editor, PASSWORD)
    page.goto(f"{live_server.url}/admin/articles/article/?status=live")
    assert page.locator("#result_list", has_text="Recent India story").count() == 1

    page.click("#tag-filter-country + .select2")
    page.locator(".select2-container--open .select2-search__field").fill("zam")
    page.locator(".select2-results__option", has_text="Zambia").first.click()
    page.wait_for_url(f"**country={country('ZM').pk}**")

    assert "status=live" in page.url
    assert page.locator("#result_list", has_text="Old Zambia story").count() == 1
    assert page.locator("#result_list", has_text="Recent India story").count() == 0
    assert page.locator("#changelist-filter li.selected", has_text="Zambia").count() == 1
    page.screenshot(path=str(screenshot_dir / "admin-list-country-filter.png"), full_page=False)


@pytest.fixture
def screenshot_dir(tmp_path_factory):
    import os
    from pathlib import Path

    path = Path(os.environ.get("SCREENSHOT_DIR", "test-artifacts/screenshots"))
    path.mkdir(parents=True, exist_ok=True)
    return path
