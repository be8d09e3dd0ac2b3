"""The home page's stories: the lead, the top stories under it, then the latest.

Editors pin stories to positions (``FrontPageSlot``); a position whose story is not
public (scheduled, withdrawn) or that nobody pinned takes the newest public story not
shown elsewhere on the page, so the page reads newest-first when nothing is pinned.
The latest list repeats none of the stories above it. Two queries (the pinned stories,
the newest ones), remembered until the front page or the published stories change,
plus one for the cards' subjects if a card has to be rendered.
"""

from dataclasses import dataclass

from django.conf import settings

from articles.caching import dependencies
from articles.caching.state import remember
from articles.models import FRONT_PAGE_SLOTS, LEAD_POSITION, Article
from articles.public.selectors import (
    CARD_COLUMNS,
    PageTags,
    ReferencedCard,
    listing,
    record_card_rows,
)


@dataclass(frozen=True)
class FrontPage:
    lead: ReferencedCard | None
    top: list
    latest: list


def front_page(*, latest_count=settings.NEWSROOM_PAGE_SIZE, now=None):
    """The lead card, the top stories' cards in order, and the latest cards below them."""
    if now is None:
        pinned, newest = remember("front-page-rows", lambda: _rows(latest_count), latest_count,
                                  depends_on={dependencies.PUBLISHED, dependencies.FRONT_PAGE})
    else:
        pinned, newest = _rows(latest_count, now)
    pinned_ids = {row[0] for row in pinned.values()}
    unpinned = iter(row for row in newest if row[0] not in pinned_ids)
    arranged = [pinned.get(position) or next(unpinned, None)
                for position in range(LEAD_POSITION, FRONT_PAGE_SLOTS + 1)]
    arranged = [row for row in arranged if row is not None]
    latest = list(unpinned)[:latest_count]
    page_tags = PageTags(row[0] for row in arranged + latest)
    db = Article.objects.published().db
    cards = [ReferencedCard(db, row, page_tags) for row in arranged]
    return FrontPage(
        lead=cards[0] if cards else None,
        top=cards[1:],
        latest=[ReferencedCard(db, row, page_tags) for row in latest],
    )


def _rows(latest_count, now=None):
    """The card columns of the public pinned stories by position, and of the newest
    stories: enough for every place and a full latest list even if each pinned story is
    among the newest. Each article's and image's key is recorded (their cards' versions
    and pictures are read here)."""
    dependencies.record(dependencies.PUBLISHED, dependencies.FRONT_PAGE)
    published = Article.objects.published(now)
    pinned = {
        row[-1]: row[:-1]
        for row in listing(published.filter(front_page_slot__isnull=False))
        .values_list(*CARD_COLUMNS, "front_page_slot__position")
    }
    newest = list(listing(published)[: 2 * FRONT_PAGE_SLOTS + latest_count]
                  .values_list(*CARD_COLUMNS))
    rows = [*pinned.values(), *newest]
    record_card_rows(rows)
    return pinned, newest
