"""History in a real browser: Priya merges two spellings of a minister, compares two old
versions of a story from its history, and reverts to the oldest, which comes back with
the kept minister; the history reads at 360 px."""

import pytest
import reversion

from articles.editorial import services
from articles.models import Article
from tests.factories import make_article, make_editor, make_minister
from tests.signing_in import signed_in_page as signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def saved_version(article, by, comment, *, ministers=None, **fields):
    """One save of the story, recorded in its history as the admin records it."""
    with reversion.create_revision():
        for name, value in fields.items():
            setattr(article, name, value)
        services.article_save(article=article, by=by)
        if ministers is not None:
            article.ministers.set(ministers)
        reversion.set_user(by)
        reversion.set_comment(comment)
    return Article.objects.get(pk=article.pk)


def test_editor_compares_two_old_versions_and_reverts_after_a_tag_merge(
    browser, live_server, screenshot_dir
):
    editor = make_editor()
    sergey, sergei = make_minister("Sergey Lavrov"), make_minister("Sergei Lavrov")
    article = make_article("Talks open in Delhi", status=Article.Status.REVIEW,
                           body="<p>Trade &amp; energy lead the agenda.</p>")
    article = saved_version(article, editor, "Edited: ministers", ministers=[sergei])
    article = saved_version(article, editor, "Edited: headline, body",
                            headline="Talks continue in Delhi",
                            body="<p>Trade &amp; defence lead the agenda.</p>")
    article = saved_version(article, editor, "Edited: headline",
                            headline="Talks close in Delhi")
    page = signed_in(browser, live_server, editor)

    # The merge, as an editor does it from the ministers' list.
    page.goto(f"{live_server.url}/admin/articles/minister/")
    for minister in (sergey, sergei):
        page.check(f"input[name=_selected_action][value='{minister.pk}']")
    page.select_option("select[name=action]", "merge")
    with page.expect_navigation():
        page.get_by_role("button", name="Go").click()
    page.get_by_label("Sergey Lavrov", exact=False).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Merge").click()
    said = page.locator(".messagelist").inner_text()
    assert "Merged “Sergei Lavrov” into “Sergey Lavrov”" in said

    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/history/")
    table = page.locator("#change-history")
    assert "Ministers: “Sergei Lavrov” merged into “Sergey Lavrov”" in table.inner_text()
    page.screenshot(path=str(screenshot_dir / "history-1280.png"), full_page=True)
    rows = table.locator("tbody tr")
    assert rows.count() == 4
    oldest, second = rows.nth(3), rows.nth(2)
    oldest.locator("input[name=from]").check()
    second.locator("input[name=to]").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Compare the chosen versions").click()

    changes = page.locator("#change-history").inner_text()
    assert "Talks open continue in Delhi" in changes
    spoken = " ".join(page.locator("#change-history").aria_snapshot().split()).replace(" ]", "]")
    assert "Talks [removed: open] [added: continue] in Delhi" in spoken, spoken
    assert page.locator("#change-history del", has_text="open").count() == 1
    assert page.locator("#change-history ins", has_text="continue").count() == 1
    assert "Trade & [removed: energy] [added: defence] lead" in spoken
    assert "&amp;" not in changes
    page.screenshot(path=str(screenshot_dir / "history-compare-1280.png"), full_page=True)

    with page.expect_navigation():
        page.get_by_role("link", name="Revert to this version…").first.click()
    page.screenshot(path=str(screenshot_dir / "history-revert-1280.png"), full_page=True)
    notes = page.locator(".revert-notes").inner_text()
    assert "“Sergei Lavrov” was merged into “Sergey Lavrov”, which comes back" in notes
    with page.expect_navigation():
        page.get_by_role("button", name="Revert to this version").click()
    assert "Reverted to the version saved" in page.locator(".messagelist").inner_text()
    article.refresh_from_db()
    assert article.headline == "Talks open in Delhi"
    assert list(article.ministers.names()) == ["Sergey Lavrov"]
    assert article.status == Article.Status.REVIEW

    phone = page
    phone.set_viewport_size({"width": 360, "height": 800})
    phone.goto(f"{live_server.url}/admin/articles/article/{article.pk}/history/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert phone.get_by_role("button", name="Compare the chosen versions").is_visible()
    phone.screenshot(path=str(screenshot_dir / "history-360.png"), full_page=True)
