"""RSS 2.0 feeds: the latest articles, and one for every listing page."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from articles import selectors
from articles.models import Article
from articles.search import SearchParams, search_articles, tags_named_in
from articles.views import bilateral_pair, local_day_range

FEED_SIZE = 20


class ArticleFeed(Feed):
    """Shared item rendering: the summary as description, authors, tags as categories.

    Items are ArticleCards, so the tags of the whole feed come from one query.
    """

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        response["Content-Type"] = "application/rss+xml; charset=utf-8"
        return response

    def items(self, obj=None):
        # With the body: wire copy has no standfirst, and its summary comes from the body.
        articles = self.articles(obj).defer(None).defer("search_vector")
        return selectors.cards(articles[:FEED_SIZE])

    def articles(self, obj):
        return selectors.listing()

    def title(self, obj=None):
        return settings.NEWSROOM_NAME

    def description(self, obj=None):
        return f"The latest articles from {settings.NEWSROOM_NAME}."

    def item_title(self, card):
        return card.article.headline

    def item_link(self, card):
        return card.article.get_absolute_url()

    def item_description(self, card):
        return card.article.summary

    def item_pubdate(self, card):
        return card.article.published_at

    def item_updateddate(self, card):
        return card.article.updated_at

    def item_author_name(self, card):
        return ", ".join(card.article.authors) or None

    def item_categories(self, card):
        return [tag.name for tag in card.tags]


class LatestFeed(ArticleFeed):
    def link(self):
        return reverse("articles:home")


class TagFeed(ArticleFeed):
    """Feed of one country, minister or policy page."""

    def __init__(self, kind):
        super().__init__()
        self.kind = kind

    def get_object(self, request, slug):
        return get_object_or_404(selectors.TAXONOMIES[self.kind].model, slug=slug)

    def articles(self, obj):
        return selectors.articles_tagged(obj)

    def title(self, obj):
        return f"{obj.name} — {settings.NEWSROOM_NAME}"

    def description(self, obj):
        return f"The latest articles about {obj.name}."

    def link(self, obj):
        return obj.get_absolute_url()


class BilateralFeed(ArticleFeed):
    """Feed of a bilateral page; built per request for the pair already looked up."""

    def __init__(self, first, second):
        super().__init__()
        self.pair = (first, second)

    def get_object(self, request, slug, other):
        return self.pair

    def articles(self, obj):
        return selectors.articles_tagged_both(*obj)

    def title(self, obj):
        return f"{obj[0].name} and {obj[1].name} — {settings.NEWSROOM_NAME}"

    def description(self, obj):
        return f"The latest articles about {obj[0].name} and {obj[1].name}."

    def link(self, obj):
        return reverse("articles:bilateral", kwargs={"slug": obj[0].slug, "other": obj[1].slug})


def bilateral_feed(request, slug, other):
    """The bilateral feed; the reversed pair redirects to the canonical order."""
    first, second, canonical = bilateral_pair(slug, other)
    if not canonical:
        return redirect("articles:bilateral-feed", slug=second.slug, other=first.slug,
                        permanent=True)
    return BilateralFeed(first, second)(request, slug=slug, other=other)


class ArchiveFeed(ArticleFeed):
    def get_object(self, request, year, month=None):
        start, end, first_day = local_day_range(year, month)
        return {"start": start, "end": end, "first_day": first_day, "year": year,
                "month": month}

    def articles(self, obj):
        return selectors.listing(
            Article.objects.published().filter(
                published_at__gte=obj["start"], published_at__lt=obj["end"]
            )
        )

    def title(self, obj):
        label = obj["first_day"].strftime("%B %Y" if obj["month"] else "%Y")
        return f"{label} — {settings.NEWSROOM_NAME}"

    def link(self, obj):
        if obj["month"]:
            return reverse("articles:archive-month",
                           kwargs={"year": obj["year"], "month": obj["month"]})
        return reverse("articles:archive-year", kwargs={"year": obj["year"]})


class SearchFeed(ArticleFeed):
    """Follow a search: its latest matching articles."""

    def get_object(self, request):
        return SearchParams.from_query_dict(request.GET)

    def articles(self, obj):
        if obj.is_empty:
            return Article.objects.none()
        return search_articles(obj, tags_named_in(obj.q), newest=FEED_SIZE)

    def title(self, obj):
        return f"Search: {obj.q} — {settings.NEWSROOM_NAME}"

    def link(self, obj):
        return reverse("articles:search")
