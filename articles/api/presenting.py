"""Articles, tags and corrections as the API's JSON shapes (``schemas``): plain dicts
built from rows already read, so presenting a page runs no query (but for the tags of
list items not yet remembered)."""

from functools import lru_cache
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from articles.api import reads
from articles.caching import dependencies, state
from articles.models import TAXONOMIES

NAMESPACE = "api-v1"


@lru_cache(maxsize=8192)
def api_path(name, **kwargs):
    """The path of an API address: reversed once per process for each tag and list (a
    page of 20 articles names a hundred tags; reversing each time was most of its cost)."""
    return reverse(f"{NAMESPACE}:{name}", kwargs=kwargs)


@lru_cache(maxsize=8)
def article_path_template(name):
    return reverse(f"{NAMESPACE}:{name}", kwargs={"article_id": 1}).replace("/1/", "/{}/")


@lru_cache(maxsize=1)
def page_path_template():
    """The article page's path (``Article.get_absolute_url``) with its date and slug left
    to fill: one reverse() per process instead of one per article."""
    path = reverse("articles:article-detail",
                   kwargs={"year": "0000", "month": "00", "day": "00", "slug": "-"})
    return path.replace("/0000/00/00/-/", "/{:04d}/{:02d}/{:02d}/{}/")


class Addresses:
    """The absolute addresses a response names, built on the request's scheme and host
    without a reverse() for each."""

    def __init__(self, request):
        self.origin = request.build_absolute_uri("/")[:-1]

    def article(self, article_id):
        return self.origin + article_path_template("article-detail").format(article_id)

    def tag(self, taxonomy, slug):
        return self.origin + api_path("tag-detail", taxonomy=taxonomy, slug=slug)

    def page(self, article):
        """The article's page, once it has a publication time (a draft has none yet)."""
        if article.published_at is None:
            return None
        # get_absolute_url's reverse(): 26% of a list of 20's CPU in process (PERFORMANCE.md).
        local = timezone.localtime(article.published_at)
        return self.origin + page_path_template().format(
            local.year, local.month, local.day, article.slug)


def status_of(article):
    return "scheduled" if article.is_scheduled else article.status


def tag_ref(ref, addresses):
    return {"name": ref.name, "slug": ref.slug, "code": ref.code or None,
            "api_url": addresses.tag(TAXONOMIES[ref.kind].plural, ref.slug)}


def article_item(article, tags, addresses):
    """A list item: everything but the body."""
    return {
        "id": article.pk,
        "headline": article.headline,
        "slug": article.slug,
        "standfirst": article.standfirst,
        "dateline": article.dateline,
        "authors": tags["authors"],
        "source": article.source,
        "status": status_of(article),
        "published_at": article.published_at,
        "updated_at": article.updated_at,
        "version": article.version,
        "url": addresses.page(article),
        "api_url": addresses.article(article.pk),
        "tags": {tax.plural: [tag_ref(ref, addresses) for ref in tags[kind]]
                 for kind, tax in TAXONOMIES.items()},
    }


def remembered_items(rows, addresses):
    """``article_item`` of each public row, remembered until its article changes, as the
    site's cards are; tags and bylines are read for the items not remembered only."""
    rows_by_id = {row.pk: row for row in rows}

    def build(article_ids):
        tags = reads.tags_of(article_ids)
        return {pk: article_item(rows_by_id[pk], tags[pk], addresses) for pk in article_ids}

    # Building 20 items from remembered tags was a fifth of a list's CPU (PERFORMANCE.md).
    items = state.remember_many(f"api-item:{addresses.origin}", list(rows_by_id), build,
                                depends_on=lambda pk: {dependencies.article(pk)})
    return [items[row.pk] for row in rows]


def correction_item(correction):
    return {"id": correction.pk, "kind": correction.kind, "note": correction.note,
            "created_at": correction.created_at}


def article_detail(article, tags, corrections, addresses):
    item = article_item(article, tags, addresses)
    item.update(
        body=article.body,
        corrections=[correction_item(c) for c in corrections],
        ninjs_url=f"{item['api_url']}?format=ninjs",
    )
    return item


def public_correction(correction, addresses):
    article = correction.article
    return {**correction_item(correction), "article": {
        "id": article.pk, "headline": article.headline,
        "url": addresses.page(article), "api_url": addresses.article(article.pk),
    }}


def tag_item(tag, count, addresses):
    tax = tag.taxonomy
    item = {
        "name": tag.name, "slug": tag.slug, "aliases": list(tag.aliases or []),
        "article_count": count,
        "url": addresses.origin + tag.get_absolute_url(),
        "api_url": addresses.tag(tax.plural, tag.slug),
        "articles_api_url": (f"{addresses.origin}{api_path('article-list')}?"
                             f"{urlencode({tax.key: tag.slug})}"),
    }
    if tax.key == "country":
        item["code"] = tag.code
    elif tax.key == "minister":
        item["office"] = tag.office
        item["country"] = tag.country.code if tag.country_id else None
    else:
        item["description"] = tag.description
    return item
