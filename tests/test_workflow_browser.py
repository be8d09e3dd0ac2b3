"""The workflow buttons in a real browser: Priya writes, saves, schedules, unschedules,
publishes, updates and withdraws a story; Arun saves and submits a draft with JavaScript
off; the bar wraps at 360 px, shows its focus and keeps its text readable (WCAG AA)."""

import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from articles.admin.workflow_buttons import newsroom_time
from articles.models import Article
from tests.admin_pages import fill_story
from tests.factories import make_article, make_editor, make_reporter
from tests.signing_in import signed_in_page as signed_in

HEADLINE = "India and Russia agree a winter schedule for the northern route"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def press(page, name):
    """Press a bar button and wait for the article page it returns to."""
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()
    return page.locator(".messagelist li").first.inner_text()


def tomorrow_nine():
    """What to type for tomorrow at 09:00, and how the desk shows it ("1 Dec 09:00"; with
    the year when tomorrow is in the next one)."""
    day = timezone.localdate() + timedelta(days=1)
    moment = timezone.make_aware(datetime(day.year, day.month, day.day, 9))
    return f"{day:%Y-%m-%d}T09:00", newsroom_time(moment)


def test_editor_writes_schedules_unschedules_publishes_updates_and_withdraws(
    browser, live_server, screenshot_dir
):
    editor = make_editor()
    page = signed_in(browser, live_server, editor)
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    fill_story(page, headline=HEADLINE,
               standfirst="Ice-class freighters will sail every ten days.",
               body="Harbour masters signed the timetable on Tuesday.", dateline="Chennai")

    assert "It is a draft." in press(page, "Save")
    article = Article.objects.get(headline=HEADLINE)
    assert page.url.endswith(f"/admin/articles/article/{article.pk}/change/")

    typed, day = tomorrow_nine()
    page.fill("#id_schedule_at", typed)
    assert f"for {day}" in press(page, "Schedule…")
    assert page.locator(".nr-workflow-state").inner_text() == f"Now: Scheduled for {day}"
    page.screenshot(path=str(screenshot_dir / "workflow-scheduled-1280.png"), full_page=True)
    page.goto(f"{live_server.url}/admin/articles/article/")
    row = page.locator("#result_list tr", has_text=HEADLINE)
    assert f"Scheduled for {day}" in row.inner_text()
    assert "Published" not in row.locator("td.field-status_label").inner_text()
    row.get_by_role("link", name=HEADLINE).click()

    assert "back in review" in press(page, "Unschedule")
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW and article.published_at is None

    assert "It is live." in press(page, "Publish now")
    article.refresh_from_db()
    assert article.is_public

    page.fill("#id_standfirst", "Ice-class freighters will sail every nine days.")
    assert "It stays live." in press(page, "Update")
    article.refresh_from_db()
    assert article.is_public and "nine days" in article.standfirst

    page.fill("#id_withdrawal_reason", "The agency corrected the route's dates.")
    assert press(page, "Withdraw").startswith("Withdrew")
    article.refresh_from_db()
    assert article.status == Article.Status.WITHDRAWN
    page.context.close()


def test_reporter_saves_and_submits_with_javascript_off(browser, live_server):
    """Plain submit buttons: nothing the bar does needs a script."""
    reporter = make_reporter()
    page = signed_in(browser, live_server, reporter, javascript=False)
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.fill("#id_headline", "Rail talks resume in Moscow")
    page.fill("#id_slug", "rail-talks-resume-in-moscow")
    page.fill("#id_body", "<p>Delegations met on Monday.</p>")
    assert page.get_by_role("button", name="Publish now").count() == 0
    assert "It is a draft." in press(page, "Save draft")
    assert "for review at" in press(page, "Submit for review")
    article = Article.objects.get(headline="Rail talks resume in Moscow")
    assert article.status == Article.Status.REVIEW and article.created_by == reporter
    page.context.close()


def test_enter_in_a_field_saves_and_does_not_accept_the_suggestions(browser, live_server):
    """The suggested tags' "accept all" button comes before the bar in the form; Enter
    in the headline must still just save."""
    article = make_article("Talks in Moscow", status=Article.Status.DRAFT,
                           body="<p>India and Russia met in Moscow on Tuesday.</p>")
    page = signed_in(browser, live_server, make_editor())
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    assert page.get_by_role("button", name="Save and accept all suggestions").count() == 1
    page.fill("#id_headline", "Rail talks resume in Moscow")
    with page.expect_navigation():
        page.press("#id_headline", "Enter")
    assert "It is a draft." in page.locator(".messagelist li").first.inner_text()
    article.refresh_from_db()
    assert article.headline == "Rail talks resume in Moscow"
    assert not article.countries.exists()
    page.context.close()


def _ratio(foreground, background):
    def luminance(rgb):
        channels = []
        for value in rgb:
            c = value / 255
            channels.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]

    def rgb(css):
        return [int(n) for n in re.findall(r"\d+", css)[:3]]

    light, dark = sorted([luminance(rgb(foreground)), luminance(rgb(background))],
                         reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _assert_bar_inputs_look_like_text_inputs(page):
    """The bar's date and reason fields look like the form's other text fields (not its
    buttons), and read at AA contrast."""
    looks = "e => { const s = getComputedStyle(e); return [s.color, s.backgroundColor]; }"
    field = page.locator("#id_headline").evaluate(looks)
    inputs = page.locator(".nr-workflow input:not([type=hidden])").all()
    assert inputs
    for element in inputs:
        colours = element.evaluate(looks)
        assert colours == field, (element.get_attribute("name"), colours, field)
        assert _ratio(*colours) >= 4.5, (element.get_attribute("name"), colours)


def test_the_bar_wraps_at_360_px_shows_focus_and_reads_at_aa_contrast(
    browser, live_server, screenshot_dir
):
    article = make_article(status=Article.Status.PUBLISHED,
                           published_at=timezone.now() + timedelta(days=1))
    page = signed_in(browser, live_server, make_editor(), width=360, javascript=False)
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    bar = page.locator(".nr-workflow")
    bar.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "workflow-bar-360.png"), full_page=False)
    for button in bar.locator("button").all():
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360
        colours = button.evaluate(
            "b => [getComputedStyle(b).color, getComputedStyle(b).backgroundColor]")
        assert _ratio(*colours) >= 4.5, (button.inner_text(), colours)

    _assert_bar_inputs_look_like_text_inputs(page)
    page.emulate_media(color_scheme="dark")
    _assert_bar_inputs_look_like_text_inputs(page)
    page.emulate_media(color_scheme="light")

    page.focus("#id_schedule_at")
    for _ in range(12):  # past the input's own date and time parts, to its button
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "BUTTON":
            break
    assert page.evaluate("document.activeElement.textContent") == "Schedule…"
    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement); "
        "return [s.outlineStyle, s.outlineWidth]; }")
    assert outline == ["solid", "3px"]

    live = make_article(status=Article.Status.PUBLISHED)  # its bar asks for a reason
    page.goto(f"{live_server.url}/admin/articles/article/{live.pk}/change/")
    assert page.locator(".nr-workflow #id_withdrawal_reason").count() == 1
    _assert_bar_inputs_look_like_text_inputs(page)
    page.emulate_media(color_scheme="dark")
    _assert_bar_inputs_look_like_text_inputs(page)
    page.context.close()
