"""Sitemaps: every public article and tag page, and the Google News sitemap.

``/sitemap.xml`` is a urlset: the tag pages and the newest ARTICLES_PER_PAGE articles.
Older articles are on ``/sitemap.xml?p=2`` and on, all listed by the sitemap index
``/sitemap-index.xml`` (robots.txt names it), so each response stays small whatever
the size of the archive.

The XML is the one Django's sitemap framework (and our news template) wrote, written
directly: a template costs tens of microseconds per ``<url>``, and a page has a thousand
or more. What a page lists is remembered until content changes
(``articles.caching.state.remember``): the urlset as its ``<url>`` elements, the news sitemap
per article, with the scheme and host put in per request, as Django's sitemaps take
them from the request.
"""

from datetime import timedelta
from math import ceil

from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.db.models import F, Max, Value, Window
from django.db.models.functions import Mod, Rank, RowNumber
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from articles.caching import dependencies
from articles.caching.state import remember, remember_many
from articles.models import TAXONOMIES, Article
from articles.platform.text import output_text
from articles.public import selectors

NEWS_WINDOW = timedelta(days=2)
NEWS_MAX = 1000
ARTICLES_PER_PAGE = 1000

URLSET_START = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
    'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
)
URLSET_END = "\n</urlset>\n"
# Stands for the scheme and host in remembered ``<url>`` elements: the request gives
# them. Never part of a path, where control characters are percent-encoded.
ORIGIN = "\x00"
# Django's sitemap view says the same: a sitemap is for crawlers, not a search result.
ROBOTS = "noindex, noodp, noarchive"


def lastmod_date(article):
    """The date a crawler is told an article last changed: the page's dateModified rule
    (an import is not a modification), else its publication; a local date."""
    return timezone.localdate(article.update_time() or article.published_at).isoformat()


def article_count():
    """Published articles, remembered until content changes."""
    return remember("sitemap-article-count", lambda: Article.objects.published().count(),
                    depends_on={dependencies.SITEMAP})


def page_count():
    """Pages of ``/sitemap.xml``; the first exists even for an empty archive."""
    return max(1, ceil(article_count() / ARTICLES_PER_PAGE))


def page_starts():
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
            .annotate(slot=Mod(F("position") - 1, ARTICLES_PER_PAGE))
            .filter(position__gt=ARTICLES_PER_PAGE, slot=0)
            .values_list("position", "published_at", "rank")
            .order_by()
        )
        return {
            (position - 1) // ARTICLES_PER_PAGE + 1: (published_at, rank)
            for position, published_at, rank in rows
        }

    return remember("sitemap-page-starts", compute, ARTICLES_PER_PAGE,
                    depends_on={dependencies.SITEMAP})


def article_urls(page):
    """The ``<url>`` elements of one page's articles, newest first (host left as
    ORIGIN); remembered until content changes."""
    def compute():
        articles = selectors.listing().only("slug", "published_at", "updated_at", "created_at")
        if page == 1:
            articles = articles[:ARTICLES_PER_PAGE]
        else:
            published_at, rank = page_starts()[page]
            skip = (page - 1) * ARTICLES_PER_PAGE + 1 - rank
            articles = articles.filter(published_at__lte=published_at)[
                skip:skip + ARTICLES_PER_PAGE
            ]
        return urlset([(a.get_absolute_url(), lastmod_date(a)) for a in articles], "weekly")

    return remember("sitemap-article-urls", compute, ARTICLES_PER_PAGE, page,
                    depends_on={dependencies.SITEMAP})


def tag_urls():
    """The ``<url>`` elements of every country, minister and policy page with published
    articles (host left as ORIGIN); lastmod is its newest article's publication.

    One aggregate query, remembered until content changes.
    """
    def compute():
        parts = []
        for kind, tax in TAXONOMIES.items():
            slug = f"{tax.article_relation}__tag__slug"
            parts.append(
                Article.objects.published()
                .filter(**{f"{slug}__isnull": False})
                .values(slug)
                .annotate(kind=Value(kind), lastmod=Max("published_at"))
                .values_list("kind", slug, "lastmod")
                .order_by()
            )
        first_slug = f"{TAXONOMIES['country'].article_relation}__tag__slug"
        rows = parts[0].union(*parts[1:], all=True).order_by("kind", first_slug)
        links = selectors.TagUrls()
        return urlset(
            ((links.link(kind, None, "", slug).url, timezone.localdate(lastmod).isoformat())
             for kind, slug, lastmod in rows),
            "daily",
        )

    return remember("sitemap-tag-urls", compute, depends_on={dependencies.SITEMAP})


def urlset(entries, changefreq):
    """``<url>`` elements as Django's sitemap template writes them, for (path, date)."""
    return "".join(
        f"<url><loc>{ORIGIN}{escape(path)}</loc><lastmod>{lastmod}</lastmod>"
        f"<changefreq>{changefreq}</changefreq></url>"
        for path, lastmod in entries
    )


def requested_page(request):
    """The ?p= page number; anything but an existing page is a 404, as in Django."""
    try:
        page = int(request.GET.get("p", "1"))
    except ValueError as error:
        raise Http404("No such sitemap page.") from error
    # Page 1 exists even for an empty archive; a later one if it has a first article.
    if page != 1 and page not in page_starts():
        raise Http404("No such sitemap page.")
    return page


def sitemap(request):
    """The sitemap urlset: page 1 has the tag pages too, later pages older articles."""
    dependencies.record(dependencies.SITEMAP)
    page = requested_page(request)
    urls = article_urls(page) + tag_urls() if page == 1 else article_urls(page)
    origin = escape(f"{request.scheme}://{get_current_site(request).domain}")
    body = URLSET_START + urls.replace(ORIGIN, origin) + URLSET_END
    response = HttpResponse(body, content_type="application/xml")
    response["X-Robots-Tag"] = ROBOTS
    return response


def sitemap_index(request):
    """Every page of ``/sitemap.xml``, for crawlers that read more than the first."""
    dependencies.record(dependencies.SITEMAP)
    url = escape(request.build_absolute_uri(reverse("articles:sitemap")))
    locations = [url] + [f"{url}?p={n}" for n in range(2, page_count() + 1)]
    body = "".join([
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n',
        *(f"<sitemap><loc>{location}</loc></sitemap>\n" for location in locations),
        "</sitemapindex>\n",
    ])
    return HttpResponse(body, content_type="application/xml; charset=utf-8")


def news_entries(article_ids):
    """(escaped path, publication time, escaped headline) of each article, in order;
    remembered per article until content changes."""
    def read(missing):
        articles = Article.objects.filter(pk__in=missing).only("headline", "slug", "published_at")
        return {
            a.pk: (escape(a.get_absolute_url()), timezone.localtime(a.published_at).isoformat(),
                   escape(output_text(a.headline)))
            for a in articles
        }

    found = remember_many("news-sitemap-entry", article_ids, read,
                          depends_on=lambda pk: {dependencies.article(pk)})
    # An article deleted since its id was read is left out, not a 500.
    return [found[pk] for pk in article_ids if pk in found]


def news_sitemap(request):
    """The Google News sitemap: articles published in the last two days, at most
    NEWS_MAX, with the publication's name and language.

    Which articles are in the window is read on every request (the window moves with
    the clock); what the sitemap says of each is remembered.
    """
    dependencies.record(dependencies.SITEMAP)
    now = timezone.now()
    article_ids = list(
        Article.objects.published(now=now)
        .filter(published_at__gte=now - NEWS_WINDOW)
        .order_by("-published_at", "-id")
        .values_list("pk", flat=True)[:NEWS_MAX]
    )
    origin = escape(f"{request.scheme}://{get_current_site(request).domain}")
    publication = (f"<news:name>{escape(settings.NEWSROOM_NAME)}</news:name>"
                   f"<news:language>{escape(settings.NEWSROOM_LANGUAGE)}</news:language>")
    body = "".join([
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n',
        *(
            f"<url>\n<loc>{origin}{path}</loc>\n<news:news>\n"
            f"<news:publication>{publication}</news:publication>\n"
            f"<news:publication_date>{published}</news:publication_date>\n"
            f"<news:title>{headline}</news:title>\n</news:news>\n</url>\n"
            for path, published, headline in news_entries(article_ids)
        ),
        "</urlset>\n",
    ])
    return HttpResponse(body, content_type="application/xml; charset=utf-8")
