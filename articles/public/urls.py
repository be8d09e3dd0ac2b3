"""Public URLs: the contract in DESIGN.md ("Public URLs")."""

from django.urls import path, re_path, register_converter

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


def taxonomy_urls(taxonomy):
    prefix, kind = taxonomy.plural, taxonomy.key
    return [
        path(f"{prefix}/", views.TagIndexView.as_view(kind=kind), name=f"{kind}-list"),
        path(f"{prefix}/<tagslug:slug>/", views.TagDetailView.as_view(kind=kind),
             name=f"{kind}-detail"),
        path(f"{prefix}/<tagslug:slug>/feed/", feeds.TagFeed(kind), name=f"{kind}-feed"),
    ]


urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("feed/", feeds.LatestFeed(), name="home-feed"),  # the home page is a listing too
    re_path(rf"^{YEAR}/{MONTH}/{DAY}/(?P<slug>[-\w]+)/$", views.article_detail,
            name="article-detail"),
    path("preview/<int:pk>/", views.article_preview, name="article-preview"),
    *taxonomy_urls(TAXONOMIES["country"]),
    path("countries/<slug:slug>/<slug:other>/", views.BilateralView.as_view(),
         name="bilateral"),
    path("countries/<slug:slug>/<slug:other>/feed/", feeds.bilateral_feed,
         name="bilateral-feed"),
    *taxonomy_urls(TAXONOMIES["minister"]),
    *taxonomy_urls(TAXONOMIES["policy"]),
    path("archive/", views.ArchiveIndexView.as_view(), name="archive-index"),
    re_path(rf"^archive/{YEAR}/$", views.ArchiveView.as_view(), name="archive-year"),
    re_path(rf"^archive/{YEAR}/feed/$", feeds.ArchiveFeed(), name="archive-year-feed"),
    re_path(rf"^archive/{YEAR}/{MONTH}/$", views.ArchiveView.as_view(),
            name="archive-month"),
    re_path(rf"^archive/{YEAR}/{MONTH}/feed/$", feeds.ArchiveFeed(),
            name="archive-month-feed"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("search/feed/", feeds.SearchFeed(), name="search-feed"),
    path("feeds/latest/", feeds.LatestFeed(), name="latest-feed"),
    path("sitemap.xml", sitemaps.sitemap, name="sitemap"),
    path("sitemap-index.xml", sitemaps.sitemap_index, name="sitemap-index"),
    path("news-sitemap.xml", sitemaps.news_sitemap, name="news-sitemap"),
    path("robots.txt", views.RobotsView.as_view(), name="robots"),
]
