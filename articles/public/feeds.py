"""RSS 2.0 feeds: the latest articles, and one for every listing page, written by
Django's syndication framework (``Feed``, ``Rss201rev2Feed``).

A named feed's response is remembered whole until content changes
(``articles.caching.responses``, applied in ``articles.public.urls``). The search feed,
whose queries are unbounded, is not; its ranking is remembered (``search``), and what a
feed shows of an article (its FeedItem: headline, address, summary, authors, tags) is
remembered per article, so a search feed read again costs one query for its ids.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.html import escape

from articles.caching import dependencies
from articles.caching.state import remember_many
from articles.models import Article
from articles.platform.text import output_data
from articles.public import bylines, mentioned, selectors
from articles.public.search import (
    SearchParams,
    newest_matches,
    tags_named_in,
)
from articles.public.views import bilateral_pair, local_day_range

FEED_SIZE = 20


@dataclass(frozen=True)
class FeedItem:
    """What a feed shows of one article."""

    title: str
    path: str
    description: str
    pubdate: datetime
    updateddate: datetime
    author_name: str | None
    categories: tuple


# With the body: wire copy has no standfirst, and its summary comes from the body.
ITEM_FIELDS = ("headline", "slug", "standfirst", "body", "source", "published_at",
               "updated_at")


def feed_items(article_ids, read=()):
    """The FeedItems of the given articles, in their order: remembered per article.

    Missing ones are made from the articles already ``read`` (with ITEM_FIELDS), the
    others read in one query, and the tags of all of them in one more.
    """
    def make(missing):
        wanted = set(missing)
        articles = {a.pk: a for a in read if a.pk in wanted}
        unread = [pk for pk in missing if pk not in articles]
        if unread:
            articles.update(
                (a.pk, a) for a in Article.objects.filter(pk__in=unread).only(*ITEM_FIELDS)
            )
        tags = selectors.tags_by_article(articles)
        authors = bylines.authors_by_article(articles)
        return {pk: _feed_item(article, tags[pk], authors[pk])
                for pk, article in articles.items()}

    found = remember_many("feed-item", article_ids, make,
                          depends_on=lambda pk: {dependencies.article(pk)})
    # An article deleted since its id was read is left out, not a 500.
    return [found[pk] for pk in article_ids if pk in found]


def _feed_item(article, tags, authors):
    return FeedItem(
        title=article.headline,
        path=article.get_absolute_url(),
        description=article.summary,
        pubdate=article.published_at,
        updateddate=article.updated_at,
        author_name=", ".join(a.name for a in authors) or article.source or None,
        categories=tuple(tag.name for tag in tags),
    )


class RssFeed(Rss201rev2Feed):
    """Django's RSS 2.0, with every text put in without control characters: XML cannot
    carry them and Django's writer refuses them, whatever a stored row holds."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.feed = output_data(self.feed)

    def add_item(self, *args, **kwargs):
        super().add_item(*args, **kwargs)
        self.items[-1] = output_data(self.items[-1])


class ArticleFeed(Feed):
    """Shared item rendering: the summary as description, authors, tags as categories."""

    feed_type = RssFeed

    def items(self, obj=None):
        dependencies.record(*self.dependency_keys(obj))
        # Read once per content generation (the response is remembered): the items' own
        # columns come along.
        read = list(self.articles(obj).only(*ITEM_FIELDS)[:FEED_SIZE])
        return feed_items([article.pk for article in read], read)

    def dependency_keys(self, obj):
        """What the feed lists (``articles.caching.dependencies``); items add theirs."""
        return {dependencies.PUBLISHED}

    def articles(self, obj):
        return selectors.listing()

    def title(self, obj=None):
        return settings.NEWSROOM_NAME

    def description(self, obj=None):
        return f"The latest articles from {settings.NEWSROOM_NAME}."

    def item_title(self, item):
        return item.title

    def item_link(self, item):
        return item.path

    def item_description(self, item):
        # Readers render a description as HTML: the plain-text summary is escaped once,
        # so "<script>" in a standfirst reaches them as text, never as markup.
        return escape(item.description)

    def item_pubdate(self, item):
        return item.pubdate

    def item_updateddate(self, item):
        return item.updateddate

    def item_author_name(self, item):
        return item.author_name

    def item_categories(self, item):
        return item.categories


class LatestFeed(ArticleFeed):
    def link(self):
        return reverse("articles:home")


class TagFeed(ArticleFeed):
    """Feed of one country, minister or policy page."""

    def __init__(self, kind):
        super().__init__()
        self.kind = kind

    def get_object(self, request, slug):
        tag = selectors.tag_by_slug(self.kind, slug)
        if tag is None:
            raise Http404(f"No {self.kind} with this address.")
        return tag

    def dependency_keys(self, obj):
        return {dependencies.tag(self.kind, obj.pk)}

    def articles(self, obj):
        return selectors.articles_tagged(obj)

    def title(self, obj):
        return f"{obj.name} — {settings.NEWSROOM_NAME}"

    def description(self, obj):
        return f"The latest articles about {obj.name}."

    def link(self, obj):
        return obj.get_absolute_url()


class TagMentionsFeed(TagFeed):
    """Feed of the stories that mention a country, minister or policy."""

    def dependency_keys(self, obj):
        return {dependencies.mentions(self.kind, obj.pk)}

    def articles(self, obj):
        return mentioned.articles_mentioning(obj)

    def title(self, obj):
        return f"Also mentioning {obj.name} — {settings.NEWSROOM_NAME}"

    def description(self, obj):
        return f"The latest articles that mention {obj.name}."

    def link(self, obj):
        return reverse(f"articles:{self.kind}-mentions", kwargs={"slug": obj.slug})


class AuthorFeed(ArticleFeed):
    """Feed of one author's page."""

    def get_object(self, request, slug):
        author = bylines.author_by_slug(slug)
        if author is None:
            raise Http404("No author with this address.")
        return author

    def dependency_keys(self, obj):
        return {dependencies.author(obj.pk), dependencies.author_articles(obj.pk)}

    def articles(self, obj):
        return bylines.articles_by(obj)

    def title(self, obj):
        return f"{obj.name} — {settings.NEWSROOM_NAME}"

    def description(self, obj):
        return f"The latest articles by {obj.name}."

    def link(self, obj):
        return obj.get_absolute_url()


class BilateralFeed(ArticleFeed):
    """Feed of a bilateral page; built per request for the pair already looked up."""

    def __init__(self, first, second):
        super().__init__()
        self.pair = (first, second)

    def get_object(self, request, slug, other):
        return self.pair

    def dependency_keys(self, obj):
        return {dependencies.tag("country", tag.pk) for tag in obj}

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

    def dependency_keys(self, obj):
        month = int(obj["month"]) if obj["month"] else None
        return {dependencies.archive(int(obj["year"]), month)}

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

    def items(self, obj):
        # Read on every request: just the ids, as their items are mostly remembered.
        return feed_items(newest_matches(obj, tags_named_in(obj.q), FEED_SIZE))

    def title(self, obj):
        return f"Search: {obj.q} — {settings.NEWSROOM_NAME}"

    def link(self, obj):
        return reverse("articles:search")
