"""Public URLs: the contract in DESIGN.md ("Public URLs")."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, re_path, register_converter

from articles.caching.responses import CLOCK_BOUND_SECONDS, page_number, remembered_response
from articles.models import TAXONOMIES
from articles.public import feeds, sitemaps, views

app_name = "articles"

YEAR = r"(?P<year>[0-9]{4})"
MONTH = r"(?P<month>[0-9]{2})"
DAY = r"(?P<day>[0-9]{2})"


class TagSlugConverter:
    """Tag slugs are ASCII where the name allows, Unicode for names in other scripts."""

    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(TagSlugConverter, "tagslug")

# Feeds and sitemaps are remembered whole until content changes, the page cache on or
# off (articles.caching.responses); not the search feed, whose queries are unbounded.
remembered_feed = remembered_response("feed")


def taxonomy_urls(taxonomy):
    prefix, kind = taxonomy.plural, taxonomy.key
    return [
        path(f"{prefix}/", views.TagIndexView.as_view(kind=kind), name=f"{kind}-list"),
        path(f"{prefix}/<tagslug:slug>/", views.TagDetailView.as_view(kind=kind),
             name=f"{kind}-detail"),
        path(f"{prefix}/<tagslug:slug>/feed/", remembered_feed(feeds.TagFeed(kind)),
             name=f"{kind}-feed"),
        path(f"{prefix}/<tagslug:slug>/coverage.csv", views.tag_coverage_csv,
             {"kind": kind}, name=f"{kind}-coverage"),
        # The stories that mention it (before a bilateral page's "countries/a/b/").
        path(f"{prefix}/<tagslug:slug>/mentions/", views.TagMentionsView.as_view(kind=kind),
             name=f"{kind}-mentions"),
        path(f"{prefix}/<tagslug:slug>/mentions/feed/",
             remembered_feed(feeds.TagMentionsFeed(kind)), name=f"{kind}-mentions-feed"),
    ]


urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    # The home page is a listing too.
    path("feed/", remembered_feed(feeds.LatestFeed()), name="home-feed"),
    re_path(rf"^{YEAR}/{MONTH}/{DAY}/(?P<slug>[-\w]+)/$", views.article_detail,
            name="article-detail"),
    path("preview/<int:pk>/", views.article_preview, name="article-preview"),
    *taxonomy_urls(TAXONOMIES["country"]),
    path("countries/<slug:slug>/<slug:other>/", views.BilateralView.as_view(),
         name="bilateral"),
    path("countries/<slug:slug>/<slug:other>/feed/", remembered_feed(feeds.bilateral_feed),
         name="bilateral-feed"),
    path("countries/<slug:slug>/<slug:other>/coverage.csv", views.bilateral_coverage_csv,
         name="bilateral-coverage"),
    *taxonomy_urls(TAXONOMIES["minister"]),
    *taxonomy_urls(TAXONOMIES["policy"]),
    path("authors/", views.AuthorIndexView.as_view(), name="author-list"),
    path("authors/<tagslug:slug>/", views.AuthorDetailView.as_view(), name="author-detail"),
    path("authors/<tagslug:slug>/feed/", remembered_feed(feeds.AuthorFeed()),
         name="author-feed"),
    path("corrections/", views.CorrectionsView.as_view(), name="corrections"),
    path("archive/", views.ArchiveIndexView.as_view(), name="archive-index"),
    re_path(rf"^archive/{YEAR}/$", views.ArchiveView.as_view(), name="archive-year"),
    re_path(rf"^archive/{YEAR}/feed/$", remembered_feed(feeds.ArchiveFeed()),
            name="archive-year-feed"),
    re_path(rf"^archive/{YEAR}/{MONTH}/$", views.ArchiveView.as_view(),
            name="archive-month"),
    re_path(rf"^archive/{YEAR}/{MONTH}/feed/$", remembered_feed(feeds.ArchiveFeed()),
            name="archive-month-feed"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("search/feed/", feeds.SearchFeed(), name="search-feed"),
    path("feeds/latest/", remembered_feed(feeds.LatestFeed()), name="latest-feed"),
    # Django's sitemap views; the index reverses "articles:sitemap" with its section. The
    # news sitemap's two days move with the clock: kept five minutes at most.
    path("sitemap.xml", remembered_response("sitemap", key=page_number)(sitemap_views.sitemap),
         {"sitemaps": sitemaps.SITEMAPS, "section": "site"}, name="sitemap"),
    path("sitemap-index.xml", remembered_response("sitemap-index")(sitemap_views.index),
         {"sitemaps": sitemaps.SITEMAPS, "sitemap_url_name": "articles:sitemap",
          "content_type": "application/xml; charset=utf-8"},
         name="sitemap-index"),
    path("news-sitemap.xml",
         remembered_response("news-sitemap", timeout=CLOCK_BOUND_SECONDS,
                             moves_with_clock=True)(sitemap_views.sitemap),
         {"sitemaps": sitemaps.NEWS_SITEMAPS, "template_name": "sitemaps/news.xml",
          "content_type": "application/xml; charset=utf-8"},
         name="news-sitemap"),
    path("robots.txt", views.RobotsView.as_view(), name="robots"),
]
