"""Articles, tags and corrections as the API's JSON shapes (``schemas``): plain dicts
built from rows already read, so presenting a page runs no query."""

from urllib.parse import urlencode

from django.urls import reverse

from articles.models import TAXONOMIES

NAMESPACE = "api-v1"


def api_url(request, name, **kwargs):
    return request.build_absolute_uri(reverse(f"{NAMESPACE}:{name}", kwargs=kwargs))


def status_of(article):
    return "scheduled" if article.is_scheduled else article.status


def page_url(article, request):
    """The article's page, once it has a publication time (a draft has none yet)."""
    if article.published_at is None:
        return None
    return request.build_absolute_uri(article.get_absolute_url())


def tag_ref(ref, request):
    tax = TAXONOMIES[ref.kind]
    return {"name": ref.name, "slug": ref.slug, "code": ref.code or None,
            "api_url": api_url(request, "tag-detail", taxonomy=tax.plural, slug=ref.slug)}


def article_item(article, tags, request):
    """A list item: everything but the body."""
    return {
        "id": article.pk,
        "headline": article.headline,
        "slug": article.slug,
        "standfirst": article.standfirst,
        "dateline": article.dateline,
        "authors": article.authors,
        "status": status_of(article),
        "published_at": article.published_at,
        "updated_at": article.updated_at,
        "version": article.version,
        "url": page_url(article, request),
        "api_url": api_url(request, "article-detail", article_id=article.pk),
        "tags": {tax.plural: [tag_ref(ref, request) for ref in tags[kind]]
                 for kind, tax in TAXONOMIES.items()},
    }


def correction_item(correction):
    return {"id": correction.pk, "kind": correction.kind, "note": correction.note,
            "created_at": correction.created_at}


def article_detail(article, tags, corrections, request):
    item = article_item(article, tags, request)
    item.update(
        body=article.body,
        corrections=[correction_item(c) for c in corrections],
        ninjs_url=f"{item['api_url']}?format=ninjs",
    )
    return item


def public_correction(correction, request):
    article = correction.article
    return {**correction_item(correction), "article": {
        "id": article.pk, "headline": article.headline,
        "url": page_url(article, request),
        "api_url": api_url(request, "article-detail", article_id=article.pk),
    }}


def tag_item(tag, count, request):
    tax = tag.taxonomy
    item = {
        "name": tag.name, "slug": tag.slug, "aliases": list(tag.aliases or []),
        "article_count": count,
        "url": request.build_absolute_uri(tag.get_absolute_url()),
        "api_url": api_url(request, "tag-detail", taxonomy=tax.plural, slug=tag.slug),
        "articles_api_url": f"{api_url(request, 'article-list')}?{urlencode({tax.key: tag.slug})}",
    }
    if tax.key == "country":
        item["code"] = tag.code
    elif tax.key == "minister":
        item["office"] = tag.office
        item["country"] = tag.country.code if tag.country_id else None
    else:
        item["description"] = tag.description
    return item
