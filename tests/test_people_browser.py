"""The list, the desk and people in a real browser at 1280 and 360 px: nothing scrolls
sideways, the desk spreads across the screen, and an invited reporter sets a password
from the emailed link and signs in. The watch from test_csp_browser checks that none of
these pages breaks the admin's Content-Security-Policy."""

import re

import pytest
from django.core import mail

from articles.models import Article
from tests.factories import make_article, make_minister, make_policy
from tests.signing_in import sign_in_with_browser
from tests.test_csp_browser import CSPWatch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"
NEW_PASSWORD = "quiet-lantern-harbour-42"
SCROLLS_SIDEWAYS = """() => [document.scrollingElement.scrollWidth - innerWidth,
  ...[...document.querySelectorAll('#changelist .results, .desk')]
     .map((box) => box.scrollWidth - box.clientWidth)]"""


def signed_in_page(browser, live_server, user, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    watch = CSPWatch(context)
    return sign_in_with_browser(context.new_page(), live_server, user, PASSWORD), watch


def fill_the_newsroom():
    lavrov, policy = make_minister(), make_policy()
    for n in range(25):
        make_article(
            f"India and Russia agree a long-awaited corridor deal, part {n}",
            countries=["IN", "RU", "AE", "KZ", "TM"], ministers=[lavrov], policies=[policy],
            authors=["Arun Kumar", "Lena Fischer"],
        )
    make_article("Wire copy whose derived headline runs on for a long while and waits",
                 status=Article.Status.REVIEW, headline_needs_review=True)


def open_full_newsroom(browser, live_server, editor, width, path):
    """The page at this width, for an editor of a busy newsroom, checked not to scroll
    sideways."""
    fill_the_newsroom()
    page, watch = signed_in_page(browser, live_server, editor, width)
    page.goto(f"{live_server.url}{path}")
    assert all(overflow <= 0 for overflow in page.evaluate(SCROLLS_SIDEWAYS))
    return page, watch


@pytest.mark.parametrize("width", [1280, 360])
def test_the_article_list_never_scrolls_sideways(browser, live_server, editor, width):
    page, watch = open_full_newsroom(browser, live_server, editor, width,
                                     "/admin/articles/article/")
    # A tagged story's row (where the untagged wire copy sorts depends on the database).
    first_row = page.locator("#result_list tbody tr", has_text="part 24")
    box = first_row.locator("th.field-headline").bounding_box()
    assert 0 <= box["x"] and box["x"] + box["width"] <= width
    tags = first_row.locator("td.field-tag_list")
    assert "Sergey Lavrov" in tags.inner_text()
    if width == 360:
        # A card: the tags sit under the headline, not in a column beside it.
        assert tags.bounding_box()["y"] > box["y"]
        # Each line of a card says what it is; an empty one is left out, not a bare "-".
        label = "td => getComputedStyle(td, '::before').content"
        assert tags.evaluate(label) == '"tags "'
        assert first_row.locator("td.field-bylines").evaluate(label) == '"by "'
        assert first_row.locator("td.field-published").inner_text().startswith("published ")
        bare = page.locator("#result_list tbody tr", has_text="Wire copy")
        lines = [line.strip() for line in bare.inner_text().splitlines() if line.strip()]
        assert "-" not in lines and not any(line.startswith("published") for line in lines)
        shown = bare.locator("td").evaluate_all(
            "tds => tds.filter((td) => td.offsetHeight).map((td) => td.className)")
        assert "field-tag_list" not in shown and "field-published" not in shown, shown
        # The links above the list line up on the left when they wrap.
        recover, add = (page.locator(".object-tools li").nth(n).bounding_box()
                        for n in (0, 1))
        assert add["y"] == recover["y"] or add["x"] == recover["x"]
        page.get_by_role("link", name="Filter the list").click()
        page.get_by_role("link", name="In review").click()
        page.wait_for_url(re.compile(r"status=review"))
        assert page.locator("#result_list tbody tr").count() == 1
    else:
        assert not page.get_by_role("link", name="Filter the list").is_visible()
    watch.settle(page)
    assert watch.problems() == []


@pytest.mark.parametrize("width", [1280, 360])
def test_the_desk_uses_the_screens_width(browser, live_server, editor, width):
    page, watch = open_full_newsroom(browser, live_server, editor, width, "/admin/")
    panels = page.locator(".desk-panel")
    tops = {round(panels.nth(i).bounding_box()["y"]) for i in range(panels.count())}
    lefts = {round(panels.nth(i).bounding_box()["x"]) for i in range(panels.count())}
    if width == 1280:
        assert len(lefts) >= 3  # three panels side by side across the screen
        assert page.locator(".desk").bounding_box()["width"] > 1100
    else:
        assert len(lefts) == 1 and len(tops) == panels.count()  # one column
    wire = page.get_by_role("region", name="Wire copy to check")
    wire.get_by_role("link", name=re.compile("Wire copy whose derived headline")).click()
    page.wait_for_url(re.compile(r"/admin/articles/article/\d+/change/"))
    watch.settle(page)
    assert watch.problems() == []


def test_an_editor_invites_a_reporter_who_sets_a_password_and_signs_in(
    browser, live_server, editor
):
    page, watch = signed_in_page(browser, live_server, editor, 1280)
    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("link", name="People").first.click()
    page.get_by_role("link", name=re.compile("Add person")).click()
    page.fill("#id_username", "meera")
    page.fill("#id_first_name", "Meera")
    page.fill("#id_last_name", "Iyer")
    page.fill("#id_email", "meera@example.org")
    page.select_option("#id_role", "Reporter")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    # One message, the invitation's: not Django's "was added successfully" as well.
    assert page.locator(".messagelist li").all_inner_texts() == [
        "An invitation went to meera@example.org: Meera Iyer chooses a password from its "
        "link, then signs in."]

    (message,) = mail.outbox
    link = re.search(r"https?://\S+/account/welcome/\S+/", message.body).group()
    phone = browser.new_context(viewport={"width": 360, "height": 800})
    phone_watch = CSPWatch(phone)
    meera = phone.new_page()
    meera.goto(link)
    assert meera.evaluate(SCROLLS_SIDEWAYS)[0] <= 0
    meera.get_by_label("New password").fill(NEW_PASSWORD)
    meera.get_by_label("The same password again").fill(NEW_PASSWORD)
    meera.get_by_role("button", name="Set my password").click()
    meera.get_by_role("link", name="Sign in").click()
    meera.fill("#id_username", "meera")
    meera.fill("#id_password", NEW_PASSWORD)
    meera.click("input[type=submit]")
    meera.get_by_role("heading", name="Your drafts").wait_for()
    assert meera.get_by_role("link", name="People").count() == 0
    meera.goto(link)
    assert "This link no longer works" in meera.inner_text("#content")
    for current, seen in ((page, watch), (meera, phone_watch)):
        seen.settle(current)
        assert seen.problems() == []
