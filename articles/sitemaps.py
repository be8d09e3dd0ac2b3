"""Sitemaps: every public article and tag page, and the Google News sitemap.

``/sitemap.xml`` is a urlset: the tag pages and the newest ARTICLES_PER_PAGE articles.
Older articles are on ``/sitemap.xml?p=2`` and on, all listed by the sitemap index
``/sitemap-index.xml`` (robots.txt names it), so each response stays small whatever
the size of the archive.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.sites.shortcuts import get_current_site
from django.db.models import Max, Value
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from articles import selectors
from articles.models import Article

NEWS_WINDOW = timedelta(days=2)
NEWS_MAX = 1000
ARTICLES_PER_PAGE = 2000


class ArticleSitemap(Sitemap):
    changefreq = "weekly"
    limit = ARTICLES_PER_PAGE

    def items(self):
        return selectors.listing().only("slug", "published_at", "updated_at", "created_at")

    def lastmod(self, item):
        # The same rule as the page's dateModified: an import is not a modification.
        return item.update_time() or item.published_at

    def get_latest_lastmod(self):
        # The default walks every item again; the newest change is one aggregate away.
        return None


class TagSitemap(Sitemap):
    """Country, minister and policy pages that have published articles, in one query."""

    changefreq = "daily"

    def items(self):
        published = Article.objects.published()
        parts = [
            tax.through.objects.filter(content_object_id__in=published.values("pk"))
            .values("tag__slug")
            .annotate(kind=Value(kind), lastmod=Max("content_object__published_at"))
            .values_list("kind", "tag__slug", "lastmod")
            .order_by()
            for kind, tax in selectors.TAXONOMIES.items()
        ]
        # A list, so the paginator's count does not run the aggregate a second time.
        return list(parts[0].union(*parts[1:], all=True).order_by("kind", "tag__slug"))

    def location(self, item):
        return self.tag_urls.link(item[0], None, "", item[1]).url

    def lastmod(self, item):
        return item[2]

    def get_urls(self, *args, **kwargs):
        self.tag_urls = selectors.TagUrls()
        return super().get_urls(*args, **kwargs)

    def get_latest_lastmod(self):
        return None


class NewsSitemap(Sitemap):
    """Google News: articles published in the last two days, at most 1,000."""

    limit = NEWS_MAX

    def items(self):
        now = timezone.now()
        return list(
            Article.objects.published(now=now)
            .filter(published_at__gte=now - NEWS_WINDOW)
            .only("headline", "slug", "published_at")
            .order_by("-published_at", "-id")[:NEWS_MAX]
        )

    def get_latest_lastmod(self):
        return None


SITEMAPS = {"articles": ArticleSitemap, "tags": TagSitemap}


def sitemap(request):
    """The sitemap urlset: page 1 has the tag pages too, later pages older articles."""
    page = request.GET.get("p", "1")
    sitemaps = SITEMAPS if page == "1" else {"articles": ArticleSitemap}
    return sitemap_views.sitemap(request, sitemaps=sitemaps)


def sitemap_index(request):
    """Every page of ``/sitemap.xml``, for crawlers that read more than the first."""
    pages = ArticleSitemap().paginator.num_pages
    url = request.build_absolute_uri(reverse("articles:sitemap"))
    locations = [url] + [f"{url}?p={n}" for n in range(2, pages + 1)]
    return TemplateResponse(
        request, "sitemaps/index.xml", {"locations": locations},
        content_type="application/xml; charset=utf-8",
    )


def news_sitemap(request):
    """The Google News sitemap, with the publication's name and language."""
    site = get_current_site(request)
    urls = NewsSitemap().get_urls(site=site, protocol=request.scheme)
    return TemplateResponse(
        request,
        "sitemaps/news.xml",
        {"urlset": urls, "publication_name": settings.NEWSROOM_NAME,
         "publication_language": settings.NEWSROOM_LANGUAGE},
        content_type="application/xml; charset=utf-8",
    )
