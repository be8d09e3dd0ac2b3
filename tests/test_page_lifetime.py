"""A cached page lives until one of its keys changes or something it shows moves with
the clock, whichever comes first (and at most NEWSROOM_PAGE_CACHE_TIMEOUT): a related
list taking in newer stories, a coverage chart's new month, a minister's term ending.
A page with nothing of the kind stays cached for the whole hour, however rarely read;
an edge cache is told the same lifetime (Surrogate-Control)."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from articles.caching import dependencies, state
from tests.factories import country, make_article, make_minister

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 4, 29, 12, 0, tzinfo=UTC)


def outcome(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response["X-Page-Cache"]


def edge_seconds(client, url):
    response = client.get(url)
    return int(response["Surrogate-Control"].removeprefix("max-age="))


@pytest.fixture
def story():
    make_article("Older neighbour", slug="older", countries=["IN"],
                 published_at=NOON - timedelta(days=3))
    return make_article("Delhi hosts the freight talks", slug="freight-talks",
                        countries=["IN"], published_at=NOON - timedelta(hours=2))


@time_machine.travel(NOON, tick=False)
def test_an_article_page_lives_until_its_related_list_may_take_in_newer_stories(
        client, story, settings):
    url = story.get_absolute_url()
    assert outcome(client, url) == "miss"
    assert 0 < edge_seconds(client, url) <= settings.NEWSROOM_RELATED_SECONDS
    with time_machine.travel(NOON + timedelta(seconds=settings.NEWSROOM_RELATED_SECONDS - 5),
                             tick=False):
        assert outcome(client, url) == "hit"
    with time_machine.travel(NOON + timedelta(seconds=settings.NEWSROOM_RELATED_SECONDS + 1),
                             tick=False):
        assert outcome(client, url) == "miss"


@time_machine.travel(NOON, tick=False)
def test_a_page_with_nothing_that_moves_with_the_clock_stays_cached_for_the_hour(
        client, story, settings):
    local = timezone.localtime(story.published_at)
    url = f"/archive/{local.year:04d}/{local.month:02d}/"
    assert outcome(client, url) == "miss"
    assert edge_seconds(client, url) > settings.NEWSROOM_PAGE_CACHE_TIMEOUT - 5
    later = NOON + timedelta(seconds=settings.NEWSROOM_PAGE_CACHE_TIMEOUT - 5)
    with time_machine.travel(later, tick=False):
        assert outcome(client, url) == "hit"
        assert edge_seconds(client, url) <= 5
    with time_machine.travel(later + timedelta(seconds=10), tick=False):
        assert outcome(client, url) == "miss"


def test_a_tag_page_is_rendered_afresh_when_its_chart_gains_a_month(client, story):
    month_end = timezone.make_aware(datetime(2026, 4, 30, 23, 58))
    with time_machine.travel(month_end, tick=False):
        assert outcome(client, "/countries/india/") == "miss"
        assert edge_seconds(client, "/countries/india/") <= 120
    with time_machine.travel(month_end + timedelta(seconds=60), tick=False):
        assert outcome(client, "/countries/india/") == "hit"
    with time_machine.travel(month_end + timedelta(seconds=121), tick=False):
        page = client.get("/countries/india/")
        assert page["X-Page-Cache"] == "miss"
        assert "May 2026" in page.content.decode()


def test_a_country_page_is_rendered_afresh_the_day_a_ministers_term_ends(client, story):
    india = country("IN")
    make_minister("Term Ending", country=india, office="Minister of Trade",
                  in_office_from=date(2024, 1, 1), in_office_to=date(2026, 5, 2))
    evening = timezone.make_aware(datetime(2026, 5, 1, 23, 0))
    with time_machine.travel(evening, tick=False):
        assert "until 2026" not in client.get("/countries/india/").content.decode()
        assert outcome(client, "/countries/india/") == "hit"
    with time_machine.travel(evening + timedelta(hours=1, seconds=1), tick=False):
        page = client.get("/countries/india/")
        assert page["X-Page-Cache"] == "miss"
        assert "until 2026" in page.content.decode()


@time_machine.travel(NOON, tick=False)
def test_a_remembered_value_passes_its_moment_on_to_what_reads_it():
    """A value that moves with the clock, read inside another remembered value: both the
    outer value and the page reading it (now or later, from the cache) end with it."""
    state.renew_epoch()

    def outer():
        return state.remember("inner", lambda: "related", depends_on=(), timeout=60,
                              moves_with_clock=True)

    with dependencies.collecting() as page:
        state.remember("outer", outer, depends_on=())
    assert page.until == NOON.timestamp() + 60
    with time_machine.travel(NOON + timedelta(seconds=30), tick=False):
        with dependencies.collecting() as later_page:
            assert state.remember("outer", outer, depends_on=()) == "related"
        assert later_page.until == NOON.timestamp() + 60


def test_a_page_with_a_picture_is_rendered_afresh_the_day_its_usage_terms_end(client):
    from tests.factories import make_image

    image = make_image(usage_ends=date(2026, 5, 1))
    story = make_article("Cranes at dawn", slug="cranes", hero_image=image,
                         published_at=timezone.make_aware(datetime(2026, 4, 30, 9, 0)))
    evening = timezone.make_aware(datetime(2026, 5, 1, 23, 55))  # before the related list's
    with time_machine.travel(evening, tick=False):
        assert "<picture" in client.get(story.get_absolute_url()).content.decode()
    with time_machine.travel(evening + timedelta(minutes=4), tick=False):
        assert outcome(client, story.get_absolute_url()) == "hit"
    with time_machine.travel(evening + timedelta(minutes=5, seconds=1), tick=False):
        page = client.get(story.get_absolute_url())
        assert page["X-Page-Cache"] == "miss"
        assert "<picture" not in page.content.decode()


@time_machine.travel(NOON, tick=False)
def test_an_edge_revalidating_its_copy_gets_the_lifetime_left(client, story):
    """A 304 carries Surrogate-Control too: the edge's copy keeps no longer than the
    page does."""
    url = story.get_absolute_url()
    etag = client.get(url)["ETag"]
    with time_machine.travel(NOON + timedelta(seconds=100), tick=False):
        answer = client.get(url, headers={"if-none-match": etag})
        assert answer.status_code == 304
        assert 0 < int(answer["Surrogate-Control"].removeprefix("max-age=")) <= 500
