"""The listings' order and their paginator: newest first is one rule, and the deep-page
fast path is taken only for a listing said to follow it."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from articles.models import Article
from articles.public import pagination
from articles.public.pagination import ListingPaginator
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def eight_articles():
    moment = timezone.now() - timedelta(days=1)
    # Two pairs published at the same moment: the id settles their order.
    times = [moment - timedelta(hours=h) for h in (0, 0, 1, 2, 2, 3, 4, 5)]
    return [make_article(f"Story {i}", published_at=t) for i, t in enumerate(times)]


def test_newest_first_puts_later_articles_first_and_settles_ties_by_id(eight_articles):
    ordered = list(Article.objects.published().newest_first())
    assert ordered[:2] == [eight_articles[1], eight_articles[0]]
    assert ordered[3:5] == [eight_articles[4], eight_articles[3]]
    assert [a.published_at for a in ordered] == sorted(
        (a.published_at for a in ordered), reverse=True
    )


def test_a_listing_said_to_be_newest_first_reads_deep_pages_from_anchors(
    eight_articles, monkeypatch
):
    monkeypatch.setattr(pagination, "KEYSET_FROM_PAGE", 1)
    cache.clear()
    newest = Article.objects.published().newest_first()
    paginator = ListingPaginator(newest, 1, count_key="test-newest", newest_first=True)

    pages = [list(paginator.page(n).object_list) for n in range(1, 9)]

    assert pages == [[a] for a in newest]
    assert paginator.is_deep(2)


def test_a_listing_in_another_order_pages_by_offset_even_with_a_name(
    eight_articles, monkeypatch
):
    """Anchors assume newest first: a listing not said to be so never uses them."""
    monkeypatch.setattr(pagination, "KEYSET_FROM_PAGE", 1)
    cache.clear()
    oldest = Article.objects.published().order_by("published_at", "id")
    paginator = ListingPaginator(oldest, 1, count_key="test-oldest")

    pages = [list(paginator.page(n).object_list) for n in range(1, 9)]

    assert pages == [[a] for a in oldest]
    assert not paginator.is_deep(2)
