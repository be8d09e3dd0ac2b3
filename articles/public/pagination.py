"""The site's two paginators, each bounded so a page's cost does not grow with the archive.

``ListingPaginator`` pages the public listings: at most ``max_pages`` deep, its count
remembered until content changes, and the deep pages of a newest-first listing read
from a remembered anchor instead of an OFFSET. ``CappedCountPaginator`` pages the
admin's article list: it counts only as far as an editor can page from where they are.
"""

from dataclasses import dataclass
from math import ceil

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from articles.caching.state import remember

# Listings page back this far; the date archives reach the rest.
MAX_LISTING_PAGES = 250
# From this page on, a newest-first listing reads from a remembered anchor, not an OFFSET.
KEYSET_FROM_PAGE = 5


@dataclass(frozen=True)
class Anchors:
    """Where each page of a newest-first listing starts, and how long the listing is."""

    starts: list  # (published_at, id) of the first article of each page
    count: int  # the listing's size, counted up to one past its deepest page


class ListingPaginator(Paginator):
    """Pages back at most ``max_pages``, so the deepest page's cost does not grow with the
    archive; the date archives reach older articles.

    ``count_key`` names the listing, so its count (and anchors) can be remembered until
    a write changes one of ``depends_on`` (its dependency keys, ``articles.caching``);
    without it nothing is remembered. ``newest_first`` says the listing
    is ordered by ``ArticleQuerySet.newest_first()``: it then counts only up to one past
    its deepest page (all its page numbers need) and its deep pages start from anchors.
    ``count_exactly`` counts every row even so (search results say how many there are).
    ``anchor_rows`` gives the listing's (published_at, id) pairs, newest first, from a
    cheaper source than the listing itself (a tag's own rows). ``known_count`` gives
    a count the page reads anyway (a tag page's coverage chart counts its listing as far
    as ``reach()``), used instead of counting again; deep pages count from their anchors.
    """

    max_pages = MAX_LISTING_PAGES

    def __init__(self, object_list, per_page, *, count_key=None, depends_on=(),
                 newest_first=False, count_exactly=False, anchor_rows=None, known_count=None,
                 **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.known_count = known_count
        self.anchor_rows = anchor_rows
        self.count_key = count_key
        self.depends_on = depends_on
        # Anchors are remembered under the listing's name: no name, no anchors.
        self.newest_first = newest_first and count_key is not None
        self.count_exactly = count_exactly

    @cached_property
    def count(self):
        """The listing's size, remembered until content changes (see articles.caching).

        Counting a big tag's published articles is the costliest query of a listing, and
        the answer changes only when content does.
        """
        if self.count_key is None:
            return super().count
        if self.newest_first and not self.count_exactly:
            if self.known_count is not None:
                return min(self.known_count(), self.deepest_row + 1)
            # Unordered, PostgreSQL counts from the tag's rows instead of walking the
            # newest articles.
            return remember(
                "listing-count",
                lambda: self.object_list.order_by()[: self.deepest_row + 1].count(),
                self.count_key, depends_on=self.depends_on,
            )
        return remember("listing-count", self.count_every_row, self.count_key,
                        depends_on=self.depends_on)

    def count_every_row(self):
        """Django's own count of the whole listing."""
        return super().count

    @property
    def deepest_row(self):
        return self.max_pages * self.per_page

    @classmethod
    def reach(cls, per_page):
        """How far a newest-first listing of ``per_page`` a page is counted: one row past
        its deepest page."""
        return cls.max_pages * per_page + 1

    def page(self, number):
        """The page; a deep page of a newest-first listing starts from its anchor.

        An OFFSET makes PostgreSQL walk every row before the page on every request.
        Instead, the first article of every page is remembered (one walk per content
        generation, which also gives the count) and a deep page reads just its own rows
        from there: ``published_at``/``id`` at most the anchor's, newest first.
        """
        if not self.is_deep(number):
            return super().page(number)
        anchors = self.anchors()
        if not self.count_exactly:
            # The walk that found the anchors counted the listing too.
            self.count = anchors.count
        number = self.validate_number(number)
        published_at, pk = anchors.starts[number - 1]
        # The plain bound lets PostgreSQL start its index scan at the anchor.
        rows = self.object_list.filter(published_at__lte=published_at).exclude(
            published_at=published_at, pk__gt=pk
        )[: self.per_page]
        return self._get_page(rows, number, self)

    def is_deep(self, number):
        try:
            return self.newest_first and int(number) > KEYSET_FROM_PAGE
        except (TypeError, ValueError):
            return False  # validate_number() answers a page that is not a number

    def anchors(self):
        """The listing's Anchors, remembered until content changes."""
        source = self.anchor_rows
        if source is None:
            source = self.object_list.values_list("published_at", "pk")

        def compute():
            rows = list(source[: self.deepest_row + 1])
            return rows[: self.deepest_row : self.per_page], len(rows)

        starts, count = remember("listing-anchors", compute, self.count_key,
                                 depends_on=self.depends_on)
        return Anchors(starts, count)

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


class CappedCountPaginator(Paginator):
    """Counts matching rows only as far as an editor can page from here (the admin's
    article list).

    At least ``bound`` rows, and always a few pages past the page asked for; a longer
    list says "more than" the bound rather than counting the whole archive on every view.
    """

    bound = 1_000
    pages_ahead = 5

    def __init__(self, object_list, per_page, *, page=1, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.limit = max(self.bound, (page + self.pages_ahead) * per_page)

    @cached_property
    def counted(self):
        # Only ids and no ORDER BY: the list's columns and sort are not needed to count.
        return self.object_list.order_by().values("pk")[: self.limit + 1].count()

    @property
    def count(self):
        return min(self.counted, self.limit)

    @property
    def more(self):
        """True when there are more rows than were counted."""
        return self.counted > self.limit
