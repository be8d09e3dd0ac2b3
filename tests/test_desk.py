"""The desk (the admin's front page): what waits for whom, each story once, with who
touched it and when, in a bounded number of queries."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from articles.editorial.desk import desk_overview
from articles.models import Article
from tests.factories import make_article, make_reporter, make_user

pytestmark = pytest.mark.django_db

DESK = reverse("admin:index")
# Monday 30 November 2026, 10:00 in London.
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def _london(settings):
    settings.TIME_ZONE = "Europe/London"


def headlines(articles):
    return [article.headline for article in articles]


@time_machine.travel(NOW, tick=False)
def test_scheduled_stories_are_split_into_today_and_the_week_ahead(editor):
    make_article("Later today", published_at=NOW + timedelta(hours=13, minutes=59))
    make_article("Tomorrow morning", published_at=NOW + timedelta(hours=14))
    make_article("Next Sunday", published_at=NOW + timedelta(days=6, hours=13))
    make_article("Next Monday", published_at=NOW + timedelta(days=7))
    desk = desk_overview(editor)
    assert headlines(desk["scheduled_today"]) == ["Later today"]
    assert headlines(desk["scheduled_this_week"]) == ["Tomorrow morning", "Next Sunday"]


@time_machine.travel(NOW, tick=False)
def test_wire_copy_to_check_appears_once_and_not_again_in_review(editor):
    make_article("Derived wire headline", status=Article.Status.REVIEW,
                 headline_needs_review=True)
    make_article("A reporter's story", status=Article.Status.REVIEW)
    desk = desk_overview(editor)
    assert headlines(desk["wire_to_check"]) == ["Derived wire headline"]
    assert headlines(desk["in_review"]) == ["A reporter's story"]


def test_the_page_shows_each_story_once_with_who_and_when(editor_client, editor):
    wire = make_article("Derived wire headline", status=Article.Status.REVIEW,
                        headline_needs_review=True)
    story = make_article("Edited by Priya", status=Article.Status.REVIEW, updated_by=editor)
    page = editor_client.get(DESK).content.decode()
    assert page.count("Derived wire headline") == 1
    assert reverse("admin:articles_article_change", args=[wire.pk]) in page
    assert reverse("admin:articles_article_change", args=[story.pk]) in page
    assert "by Priya Sharma" in page
    assert "by the wire import" in page
    assert "Recently published" in page and "Scheduled this week" in page


@time_machine.travel(NOW, tick=False)
def test_recently_published_lists_live_stories_newest_first(editor):
    make_article("Yesterday", published_at=NOW - timedelta(days=1))
    make_article("An hour ago", published_at=NOW - timedelta(hours=1))
    make_article("Tomorrow", published_at=NOW + timedelta(days=1))
    make_article("Withdrawn", status=Article.Status.WITHDRAWN,
                 published_at=NOW - timedelta(minutes=5))
    assert headlines(desk_overview(editor)["recently_published"]) == ["An hour ago",
                                                                       "Yesterday"]


def test_a_reporter_sees_no_wire_panel_and_no_colleagues_drafts(reporter_client, reporter):
    make_article("Wire to check", status=Article.Status.REVIEW, headline_needs_review=True)
    colleague = make_reporter("colleague")
    make_article("Colleague's draft", status=Article.Status.DRAFT, created_by=colleague)
    make_article("My own draft", status=Article.Status.DRAFT, created_by=reporter)
    page = reporter_client.get(DESK).content.decode()
    assert "Wire copy to check" not in page and "Wire to check" not in page
    assert "Colleague's draft" not in page
    assert "My own draft" in page


def test_the_desk_takes_a_bounded_number_of_queries(editor_client,
                                                    django_assert_max_num_queries):
    editor = make_user("lena", role="Editor", first_name="Lena", last_name="Fischer")
    for n in range(30):
        make_article(f"Review {n}", status=Article.Status.REVIEW, updated_by=editor)
        make_article(f"Wire {n}", status=Article.Status.REVIEW, headline_needs_review=True)
        make_article(f"Live {n}", updated_by=editor)
    with django_assert_max_num_queries(15):
        response = editor_client.get(DESK)
    page = response.content.decode()
    assert page.count("by Lena Fischer") == 16  # eight in review, eight published
    # A live story's time is its publication; the name is who saved it last, and says so.
    assert page.count("last saved by Lena Fischer") == 8
    assert page.count(">Wire 29</a>") == 1  # the newest wire copy, once
