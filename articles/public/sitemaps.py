"""Sitemaps: every public article and tag page, and the Google News sitemap, written by
Django's sitemap framework (``django.contrib.sitemaps``: its ``Sitemap`` and views).

``/sitemap.xml`` lists the newest ARTICLES_PER_PAGE articles and the tag pages. Older
articles are on ``/sitemap.xml?p=2`` and on, all listed by the sitemap index
``/sitemap-index.xml`` (robots.txt names it), so each response stays small whatever the
size of the archive. A deep page starts from its remembered first article, not from an
OFFSET that walks the archive.

Django's views serve them (``articles.public.urls``), and each response is remembered
whole until content changes (``articles.caching.responses``), per scheme and host,
which Django's sitemaps take from the request; the news sitemap, whose two-day window
moves with the clock, for as long as a cached page at most.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import F, OuterRef, Subquery, Value, Window
from django.db.models.functions import Mod, Rank, RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from articles.caching import dependencies
from articles.caching.state import remember
from articles.models import TAXONOMIES, Article, ArticleAuthor, Author, union_over_taxonomies
from articles.platform.text import output_text
from articles.public import selectors

NEWS_WINDOW = timedelta(days=2)
NEWS_MAX = 1000
ARTICLES_PER_PAGE = 1000


def lastmod_date(article):
    """The date a crawler is told an article last changed: the page's dateModified rule
    (an import is not a modification), else its publication; a local date."""
    return timezone.localdate(article.update_time() or article.published_at)


def page_starts(per_page):
    """{page: (published_at, rank)} of the first article of every page after the first.

    ``rank`` is that article's place among articles published later (1 + their number),
    so a page reads its rows from its first time on, past any articles of the previous
    page published at the same moment, instead of an OFFSET that walks the archive.
    One pass over the publication-time index, remembered until content changes.
    """
    def compute():
        newest_first = [F("published_at").desc()]
        rows = (
            Article.objects.published()
            .annotate(position=Window(RowNumber(), order_by=newest_first),
                      rank=Window(Rank(), order_by=newest_first))
            .annotate(slot=Mod(F("position") - 1, per_page))
            .filter(position__gt=per_page, slot=0)
            .values_list("position", "published_at", "rank")
            .order_by()
        )
        return {
            (position - 1) // per_page + 1: (published_at, rank)
            for position, published_at, rank in rows
        }

    return remember("sitemap-page-starts", compute, per_page,
                    depends_on={dependencies.SITEMAP})


class ArchivePaginator(Paginator):
    """The archive newest first, each page read from its remembered start (page_starts).

    Page 1 exists even for an empty archive and needs no start; a later page exists if
    it has one, so a page can never be counted but unstarted.
    """

    @cached_property
    def starts(self):
        return page_starts(self.per_page)

    @cached_property
    def num_pages(self):
        return max(self.starts, default=1)

    def validate_number(self, number):
        return 1 if number in (1, "1") else super().validate_number(number)

    def page(self, number):
        number = self.validate_number(number)
        if number == 1:
            return self._get_page(self.object_list[:self.per_page], number, self)
        published_at, rank = self.starts[number]
        skip = (number - 1) * self.per_page + 1 - rank
        rows = self.object_list.filter(published_at__lte=published_at)
        return self._get_page(rows[skip:skip + self.per_page], number, self)


class TagSitemap(Sitemap):
    """Every country, minister and policy page with published articles; lastmod is its
    newest article's publication. One query: each entry's newest public tag row, read
    from the end of the tag's "latest" index (an aggregate over every article's tags
    took 3.7 s at a million articles)."""

    changefreq = "daily"

    def items(self):
        dependencies.record(dependencies.SITEMAP)
        now = timezone.now()

        def part(taxonomy):
            newest = (
                taxonomy.through.objects.published(now).filter(tag=OuterRef("pk"))
                .order_by("-published_at").values("published_at")[:1]
            )
            return (
                taxonomy.model.objects.annotate(kind=Value(taxonomy.key),
                                                lastmod=Subquery(newest))
                .filter(lastmod__isnull=False)
                .values_list("kind", "slug", "lastmod")
            )

        return list(union_over_taxonomies(part).order_by("kind", "slug"))

    def location(self, row):
        kind, slug, _lastmod = row
        return reverse(TAXONOMIES[kind].detail_url_name, kwargs={"slug": slug})

    def lastmod(self, row):
        return timezone.localdate(row[2])


class AuthorSitemap(Sitemap):
    """Every author page with published articles; lastmod is their newest article's
    publication. One query."""

    changefreq = "daily"

    def items(self):
        dependencies.record(dependencies.SITEMAP, dependencies.AUTHORS)
        newest = (
            ArticleAuthor.objects.filter(author=OuterRef("pk"),
                                         article__in=Article.objects.published().values("pk"))
            .order_by("-article__published_at").values("article__published_at")[:1]
        )
        return list(Author.objects.annotate(lastmod=Subquery(newest))
                    .filter(lastmod__isnull=False).order_by("slug").values_list("slug", "lastmod"))

    def location(self, row):
        return reverse("articles:author-detail", kwargs={"slug": row[0]})

    def lastmod(self, row):
        return timezone.localdate(row[1])


class SiteSitemap(Sitemap):
    """``/sitemap.xml``: public articles newest first, ARTICLES_PER_PAGE a page; the
    first page lists the tag and author pages too."""

    changefreq = "weekly"

    def items(self):
        dependencies.record(dependencies.SITEMAP)
        return selectors.listing().only("slug", "published_at", "updated_at", "created_at")

    @property
    def paginator(self):
        return ArchivePaginator(self.items(), ARTICLES_PER_PAGE)

    def lastmod(self, article):
        return lastmod_date(article)

    def get_latest_lastmod(self):
        # Django's default reads every article again; the index gives no lastmod.
        return None

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        if self.paginator.validate_number(page) == 1:
            urls += TagSitemap().get_urls(site=site, protocol=protocol)
            urls += AuthorSitemap().get_urls(site=site, protocol=protocol)
        return urls


@dataclass(frozen=True)
class NewsItem:
    """What the news sitemap says of an article."""

    path: str
    headline: str
    published_at: datetime


class NewsSitemap(Sitemap):
    """Google News: articles published in the last two days, newest first, at most
    NEWS_MAX; the publication's name and language come from the template's context."""

    def items(self):
        dependencies.record(dependencies.SITEMAP)
        now = timezone.now()
        articles = (
            Article.objects.published(now=now)
            .filter(published_at__gte=now - NEWS_WINDOW)
            .only("headline", "slug", "published_at")
            .order_by("-published_at", "-id")[:NEWS_MAX]
        )
        return [NewsItem(a.get_absolute_url(), output_text(a.headline), a.published_at)
                for a in articles]

    def location(self, item):
        return item.path


# /sitemap.xml is the one section; the index reverses its URL name with it.
SITEMAPS = {"site": SiteSitemap}
NEWS_SITEMAPS = {"news": NewsSitemap}
