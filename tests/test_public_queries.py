"""Every public page runs a fixed, small number of queries, whatever it lists.

Each page is measured cold (page cache empty) on a listing of 20 articles with five
to six tags each, then again after more articles are added: the count must not move.
"""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Correction
from tests.factories import make_article
from tests.public_data import build_newsroom

pytestmark = pytest.mark.django_db

BUDGET = 6


def page_urls(room):
    newest = timezone.localtime(room.articles[0].published_at)
    year, month = newest.strftime("%Y"), newest.strftime("%m")
    return [
        "/",
        room.articles[0].get_absolute_url(),
        "/countries/",
        "/ministers/",
        "/policies/",
        room.india.get_absolute_url(),
        room.lavrov.get_absolute_url(),
        room.energy.get_absolute_url(),
        "/countries/india/russia/",
        "/countries/china/mentions/",
        "/policies/make-in-india/mentions/",
        "/countries/china/mentions/feed/",
        "/archive/",
        f"/archive/{year}/",
        f"/archive/{year}/{month}/",
        "/search/?q=freight",
        "/search/?q=Lavrov&country=india&from=2000-01-01",
        "/feeds/latest/",
        "/countries/india/feed/",
        "/ministers/sergey-lavrov/feed/",
        "/policies/energy-cooperation/feed/",
        "/countries/india/russia/feed/",
        "/countries/india/coverage.csv",
        "/ministers/sergey-lavrov/coverage.csv",
        "/policies/energy-cooperation/coverage.csv",
        "/countries/india/russia/coverage.csv",
        f"/archive/{year}/feed/",
        "/search/feed/?q=freight",
        "/sitemap.xml",
        "/sitemap-index.xml",
        "/news-sitemap.xml",
        "/authors/",
        "/authors/arun-kumar/",
        "/authors/arun-kumar/feed/",
        "/corrections/",
        "/api/v1/docs/",
        "/api/v1/articles/",
        "/api/v1/articles/?country=india",
        f"/api/v1/articles/{room.articles[0].pk}/",
        "/api/v1/tags/ministers/",
    ]


def build_newsroom_with_corrections(published=20):
    """The newsroom, with a correction, a clarification and an update on its stories."""
    room = build_newsroom(published=published)
    for article, kind in zip(room.articles, Correction.Kind.values, strict=False):
        Correction.objects.create(article=article, kind=kind, note=f"A note: {kind}.")
    return room


def count_queries(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def add_more_articles(room, n):
    start = timezone.now() - timedelta(days=1)
    for i in range(n):
        make_article(
            f"Later freight story {i}", slug=f"later-{i}",
            published_at=start - timedelta(minutes=i),
            standfirst="More freight talks.",
            countries=[room.india, room.russia, room.china],
            ministers=[room.lavrov, room.jaishankar],
            policies=[room.energy, room.make_in_india],
        )


def test_each_public_page_stays_within_the_query_budget(
    client, django_assert_max_num_queries
):
    room = build_newsroom_with_corrections(published=20)
    for url in page_urls(room):
        cache.clear()
        with django_assert_max_num_queries(BUDGET):
            assert client.get(url).status_code == 200, url


def test_query_counts_do_not_grow_with_the_number_of_articles(client):
    room = build_newsroom_with_corrections(published=20)
    before = {url: count_queries(client, url) for url in page_urls(room)}
    add_more_articles(room, 25)
    after = {url: count_queries(client, url) for url in page_urls(room)}
    assert after == before


def test_the_home_page_with_a_pinned_front_page_and_pictures_stays_within_the_budget(
        client):
    """Pinned stories (one not yet public) cost the home page no query more than an
    unarranged one: the pinned ones are always looked for, in one query; pictures come
    with the cards' rows."""
    from articles.editorial.front_page import front_page_set
    from articles.models import Article
    from tests.factories import make_editor, make_image

    room = build_newsroom(published=20)
    Article.objects.filter(pk__in=[a.pk for a in room.articles[::2]]).update(
        hero_image=make_image())
    unpinned = count_queries(client, "/")
    front_page_set(articles=[room.articles[7], room.scheduled, room.articles[3],
                             room.articles[12]], by=make_editor())

    assert count_queries(client, "/") == unpinned <= BUDGET
