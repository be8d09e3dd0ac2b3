"""Listings' pages: bounded in depth, counted once per content generation, and deep pages
read from a remembered anchor instead of an OFFSET."""

from math import ceil

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from articles.caching.state import remember

# Listings page back this far (5,000 articles); the date archives reach the rest.
MAX_LISTING_PAGES = 250
# From this page on, listings read from a remembered anchor instead of an OFFSET.
KEYSET_FROM_PAGE = 5
NEWEST_FIRST = ("-published_at", "-id")


class BoundedPaginator(Paginator):
    """Pages back at most ``max_pages``, so the deepest OFFSET does not grow with the
    archive; the date archives reach older articles.
    """

    max_pages = MAX_LISTING_PAGES
    # Set by the view: names the listing, so its count can be remembered.
    count_key = None
    # Search results say how many there are; other listings need only their pages.
    count_exactly = False

    @cached_property
    def count(self):
        """The listing's size, remembered until content changes (see articles.caching).

        Counting a big tag's published articles is the costliest query of a listing at
        100,000 articles; the answer changes only when content does. A newest-first
        listing counts only up to one past its deepest page: all its page numbers need.
        """
        if self.count_key is None:
            return Paginator.count.func(self)
        if self.is_newest_first() and not self.count_exactly:
            return remember(
                # Unordered, PostgreSQL counts from the tag's rows instead of walking
                # the newest articles (40 ms instead of 210 ms for a minister).
                "listing-count",
                lambda: self.object_list.order_by()[: self.deepest_row + 1].count(),
                self.count_key,
            )
        return remember("listing-count", lambda: Paginator.count.func(self),
                                self.count_key)

    @property
    def deepest_row(self):
        return self.max_pages * self.per_page

    def page(self, number):
        """The page; deep pages of a newest-first listing start from a remembered anchor.

        ``OFFSET 4,980`` makes PostgreSQL walk 5,000 rows of a big tag on every request
        (~100 ms at 100,000 articles). Instead, the first article of every page is
        remembered (one walk per content generation, which also gives the count) and a
        deep page reads just its 20 rows from there: ``published_at``/``id`` at most
        the anchor's, newest first.
        """
        if not self.is_deep(number):
            return super().page(number)
        anchors, count = self.anchors()
        if not self.count_exactly:
            self.__dict__.setdefault("count", count)
        number = self.validate_number(number)
        published_at, pk = anchors[number - 1]
        # The plain bound lets PostgreSQL start its index scan at the anchor.
        rows = self.object_list.filter(published_at__lte=published_at).exclude(
            published_at=published_at, pk__gt=pk
        )[: self.per_page]
        return self._get_page(rows, number, self)

    def is_deep(self, number):
        try:
            return int(number) > KEYSET_FROM_PAGE and self.is_newest_first()
        except (TypeError, ValueError):
            return False  # validate_number() answers a page that is not a number

    def is_newest_first(self):
        query = getattr(self.object_list, "query", None)
        return (self.count_key is not None and query is not None
                and tuple(query.order_by) == NEWEST_FIRST)

    def anchors(self):
        """(published_at, id) of the first article of each page, and the bounded count,
        remembered until content changes."""
        def compute():
            rows = list(self.object_list.values_list("published_at", "pk")[
                : self.deepest_row + 1
            ])
            return rows[: self.deepest_row : self.per_page], len(rows)

        return remember("listing-anchors", compute, self.count_key)

    @cached_property
    def all_pages(self):
        """How many pages the whole listing would take."""
        if self.count == 0 and not self.allow_empty_first_page:
            return 0
        return ceil(max(1, self.count - self.orphans) / self.per_page)

    @cached_property
    def num_pages(self):
        return min(self.all_pages, self.max_pages)

    @cached_property
    def is_truncated(self):
        return self.all_pages > self.max_pages
