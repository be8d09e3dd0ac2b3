"""The home page's hierarchy: the lead an editor pinned, the top stories in the order
chosen, then the latest, newest first, repeating none of them. Only public stories show:
a pinned story withdrawn or not yet due leaves its place to the newest one."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from articles.editorial import services
from articles.editorial.front_page import FrontPageRefused, front_page_set
from articles.models import Article, FrontPageSlot
from tests.factories import make_article, make_editor, make_policy, make_reporter

pytestmark = pytest.mark.django_db


@pytest.fixture
def stories():
    """Eight published stories, newest first: story 0 an hour old, story 7 eight."""
    now = timezone.now()
    return [make_article(f"Story number {i}", slug=f"story-number-{i}",
                         published_at=now - timedelta(hours=i + 1)) for i in range(8)]


def home(client):
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def headlines_in(html, region):
    """The headlines of one part of the home page, in order."""
    start, end = {
        "lead": ('class="front__lead"', '<div class="home">'),
        "top": ('class="card-list card-list--top"', '<div class="home">'),
        "latest": ('id="latest-heading"', "<aside"),
    }[region]
    if start not in html:
        return []
    part = html.split(start, 1)[1].split(end, 1)[0]
    if region == "lead":
        part = part.split('class="front__top"', 1)[0]
    return re.findall(r'<h[23] class="card__headline[^"]*"><a [^>]*>([^<]+)</a>', part)


def test_with_nothing_pinned_the_home_page_reads_newest_first(client, stories):
    html = home(client)
    assert headlines_in(html, "lead") == ["Story number 0"]
    assert headlines_in(html, "top") == [f"Story number {i}" for i in range(1, 5)]
    assert headlines_in(html, "latest") == [f"Story number {i}" for i in range(5, 8)]


def test_an_editor_pins_the_lead_and_orders_the_top_stories(client, stories):
    front_page_set(articles=[stories[6], stories[3], stories[7]], by=make_editor())

    html = home(client)
    assert headlines_in(html, "lead") == ["Story number 6"]
    # The pinned ones in their order, then the newest not shown, for the empty places.
    assert headlines_in(html, "top") == ["Story number 3", "Story number 7",
                                         "Story number 0", "Story number 1"]
    assert headlines_in(html, "latest") == ["Story number 2", "Story number 4",
                                            "Story number 5"]


def test_no_story_shows_twice_on_the_home_page(client, stories):
    front_page_set(articles=[None, stories[0], None, stories[5]], by=make_editor())

    html = home(client)
    shown = headlines_in(html, "lead") + headlines_in(html, "top") + headlines_in(html, "latest")
    assert sorted(shown) == sorted(f"Story number {i}" for i in range(8))
    assert headlines_in(html, "lead") == ["Story number 1"]
    assert headlines_in(html, "top") == ["Story number 0", "Story number 2",
                                         "Story number 5", "Story number 3"]


def test_a_withdrawn_pinned_story_drops_out_and_its_place_falls_back(client, stories):
    editor = make_editor()
    front_page_set(articles=[stories[5], stories[6]], by=editor)
    assert headlines_in(home(client), "lead") == ["Story number 5"]

    services.article_withdraw(article=stories[5], by=editor)

    html = home(client)
    assert "Story number 5" not in html
    assert headlines_in(html, "lead") == ["Story number 0"]
    assert headlines_in(html, "top")[0] == "Story number 6"


def test_a_scheduled_pinned_story_leads_from_its_time_and_not_before(client, stories):
    editor = make_editor()
    due = timezone.now() + timedelta(hours=2)
    scheduled = make_article("The summit opens", slug="summit-opens", published_at=due)
    front_page_set(articles=[scheduled], by=editor)

    html = home(client)
    assert "The summit opens" not in html
    assert headlines_in(html, "lead") == ["Story number 0"]

    with time_machine.travel(due + timedelta(minutes=1)):
        assert headlines_in(home(client), "lead") == ["The summit opens"]


def test_cards_name_at_most_three_subjects_on_one_line_instead_of_pills(client):
    make_article("Corridor talks resume", countries=["IN", "RU", "CN", "IR"],
                 policies=[make_policy("Make in India")])

    html = home(client)
    # Two countries at most (A to Z), then the policy: one line, not four pills.
    assert ">China · India · Make in India</p>" in html
    assert 'class="tag tag--country"' not in html.split('<aside')[0]


def test_editing_a_pinned_story_or_the_arrangement_refreshes_the_cached_home_page(
        client, stories):
    editor = make_editor()
    home(client)
    assert client.get("/")["X-Page-Cache"] == "hit"

    front_page_set(articles=[stories[4]], by=editor)
    response = client.get("/")
    assert response["X-Page-Cache"] == "miss"
    assert headlines_in(response.content.decode(), "lead") == ["Story number 4"]
    assert client.get("/")["X-Page-Cache"] == "hit"

    stories[4].headline = "Story number 4, updated"
    services.article_save(article=stories[4], by=editor)
    assert headlines_in(home(client), "lead") == ["Story number 4, updated"]


def test_only_editors_arrange_the_front_page_and_only_with_public_stories(stories):
    from django.core.exceptions import PermissionDenied

    draft = make_article("A draft", status=Article.Status.DRAFT)
    with pytest.raises(PermissionDenied):
        front_page_set(articles=[stories[0]], by=make_reporter())
    with pytest.raises(FrontPageRefused, match="not published"):
        front_page_set(articles=[draft], by=make_editor())
    with pytest.raises(FrontPageRefused, match="twice"):
        front_page_set(articles=[stories[0], stories[0]], by=make_editor("meera"))
    assert not FrontPageSlot.objects.exists()


def test_the_remembered_front_page_follows_edits_with_the_page_cache_off(
        client, stories, settings, django_assert_num_queries):
    """The home page's stories are remembered in the data caches (no query once read);
    an edit, a pin or a withdrawal shows at once all the same."""
    settings.NEWSROOM_PAGE_CACHE = False
    editor = make_editor()
    front_page_set(articles=[stories[3]], by=editor)
    home(client)
    with django_assert_num_queries(0):
        home(client)

    stories[3].headline = "Story number 3, corrected"
    services.article_save(article=stories[3], by=editor)
    assert headlines_in(home(client), "lead") == ["Story number 3, corrected"]

    front_page_set(articles=[stories[6]], by=editor)
    assert headlines_in(home(client), "lead") == ["Story number 6"]

    services.article_withdraw(article=stories[6], by=editor)
    assert headlines_in(home(client), "lead") == ["Story number 0"]


def test_the_lead_picture_loads_first_and_the_cards_show_thumbnails(client, stories):
    from tests.factories import make_image

    lead_image = make_image("Delegates at the summit table")
    card_image = make_image("A freight train at the border", name="train.jpg")
    Article.objects.filter(pk=stories[0].pk).update(hero_image=lead_image)
    Article.objects.filter(pk__in=[stories[2].pk, stories[6].pk]).update(hero_image=card_image)

    html = home(client)
    lead = html.split('class="front__lead"', 1)[1].split('class="front__top"', 1)[0]
    assert 'alt="Delegates at the summit table"' in lead
    assert 'fetchpriority="high"' in lead and 'loading="lazy"' not in lead
    top = html.split('class="front__top"', 1)[1].split('<div class="home">', 1)[0]
    latest = html.split('id="latest-heading"', 1)[1].split("<aside", 1)[0]
    for part in (top, latest):
        assert part.count('alt="A freight train at the border"') == 1
        assert 'loading="lazy"' in part and 'fetchpriority="high"' not in part
    # Every picture keeps its box (no layout shift): width and height on each img.
    assert all(re.search(r'\swidth="\d+" height="\d+"', tag)
               for tag in re.findall(r"<img [^>]+>", html))


def test_an_image_edit_refreshes_the_remembered_front_page(client, stories, settings):
    from articles.editorial.images import image_save
    from tests.factories import make_image

    settings.NEWSROOM_PAGE_CACHE = False
    image = make_image("Cranes on a barge")
    Article.objects.filter(pk=stories[0].pk).update(hero_image=image)
    assert 'alt="Cranes on a barge"' in home(client)

    image.alt_text = "Two yellow cranes on a barge"
    image_save(image=image, by=None)

    assert 'alt="Two yellow cranes on a barge"' in home(client)


def test_two_editors_saving_at_once_are_told_rather_than_shown_an_error(stories,
                                                                      monkeypatch):
    from django.db import IntegrityError

    from articles.editorial import front_page

    def taken(*args, **kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(front_page, "_replace_slots", taken)
    with pytest.raises(FrontPageRefused, match="Someone else changed the front page"):
        front_page_set(articles=[stories[0]], by=make_editor())
