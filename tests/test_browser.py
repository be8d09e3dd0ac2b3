"""The public site in a real browser: an editor publishes, a reader finds and follows it.

Screenshots of the home and article pages at phone and desktop widths are saved under
``$SCREENSHOT_DIR`` (default ``test-artifacts/screenshots``).
"""

import os
import re
from pathlib import Path

import pytest

from articles.models import Article
from tests.admin_pages import fill_story
from tests.factories import country, make_editor, make_minister, make_policy
from tests.signing_in import sign_in_with_browser

PASSWORD = "correct horse battery"
WIDTHS = {"phone": 360, "desktop": 1280}
HEADLINE = "Port authorities in Chennai and Vladivostok agree winter schedule"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def screenshot_dir():
    path = Path(os.environ.get("SCREENSHOT_DIR", "test-artifacts/screenshots"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def pick_tag(page, field, typed, choice):
    """Choose ``choice`` in the admin's autocomplete for ``field`` by typing ``typed``."""
    page.click(f"#id_{field} + .select2")
    search = page.locator(".select2-container--open .select2-search__field")
    search.fill(typed)
    page.locator(".select2-results__option", has_text=choice).first.click()


def publish_as_editor(browser, live_server, editor):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in_with_browser(page, live_server, editor, PASSWORD)

    page.goto(f"{live_server.url}/admin/articles/article/add/")
    fill_story(page, headline=HEADLINE,
               standfirst="Ice-class freighters will sail every ten days from December.",
               body="Harbour masters signed the timetable on Tuesday.", dateline="Chennai")
    page.fill("#id_source", "Reuters")
    pick_tag(page, "countries", "India", "India")
    pick_tag(page, "countries", "Russia", "Russia")
    pick_tag(page, "ministers", "Lavrov", "Sergey Lavrov")
    pick_tag(page, "policies", "Maritime", "Maritime corridor")
    page.get_by_role("button", name="Publish now", exact=True).click()
    page.wait_for_selector(".messagelist .success")
    page.context.close()


def test_editor_publishes_and_reader_finds_the_story_everywhere(
    browser, live_server, screenshot_dir
):
    """Priya publishes a tagged story; Meera finds it on the home, country, bilateral
    and search pages, reads it, and follows its tag links."""
    editor = make_editor()
    make_minister("Sergey Lavrov", country=country("RU"), aliases=["Lavrov"])
    make_policy("Maritime corridor", description="Sea routes between the two coasts.")

    publish_as_editor(browser, live_server, editor)
    article = Article.objects.get(headline=HEADLINE)
    assert article.is_public
    assert set(article.countries.values_list("code", flat=True)) == {"IN", "RU"}

    reader = browser.new_context(viewport={"width": 1280, "height": 900},
                                 java_script_enabled=False).new_page()
    base = live_server.url
    for path in ("/", "/countries/india/", "/countries/russia/", "/countries/india/russia/"):
        reader.goto(base + path)
        assert reader.get_by_role("link", name=HEADLINE).count() == 1, path

    reader.goto(base + "/")
    reader.fill("#site-search-q", "Chennai Vladivostok")
    reader.press("#site-search-q", "Enter")
    reader.wait_for_url(re.compile(r"/search/\?q=Chennai"))
    first_result = reader.locator(".card__headline a").first
    assert first_result.inner_text() == HEADLINE
    first_result.click()
    reader.wait_for_url(re.compile(re.escape(article.get_absolute_url()) + "$"))
    assert reader.locator("h1").inner_text() == HEADLINE
    assert "Harbour masters signed the timetable" in reader.locator(".article__body").inner_text()

    for name, heading in (("Sergey Lavrov", "Sergey Lavrov"), ("Maritime corridor",
                          "Maritime corridor"), ("Russia", "Russia")):
        reader.goto(base + article.get_absolute_url())
        reader.locator(".article__tags").get_by_role("link", name=name, exact=True).click()
        assert reader.locator("h1").inner_text() == heading
        assert reader.get_by_role("link", name=HEADLINE).count() == 1

    for label, width in WIDTHS.items():
        page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
        for name, path in (("home", "/"), ("article", article.get_absolute_url())):
            page.goto(base + path)
            page.screenshot(path=str(screenshot_dir / f"{name}-{label}-{width}.png"),
                            full_page=True)
            # Nothing wider than the viewport: the page reads without sideways scrolling.
            assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.context.close()
