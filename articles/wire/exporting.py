"""Exporting every article as JSON Lines (DESIGN.md "Export line"), streamed."""

import json

from django.db.models import Prefetch
from django.utils import timezone

from articles.models import MENTION_MODELS, Article, ArticleAuthor, Correction, RetiredAddress
from articles.wire.media import image_record

CHUNK_SIZE = 500


def _iso(moment):
    return timezone.localtime(moment).isoformat() if moment else None


def export_record(article):
    """One article as the export's dict; tags sorted so the line is reproducible."""
    return {
        "id": article.pk,
        "headline": article.headline,
        "slug": article.slug,
        # Only a published (or scheduled) article has an address; a draft's would change
        # with the day of the export.
        "url": article.get_absolute_url() if article.published_at else None,
        "status": article.status,
        "published_at": _iso(article.published_at),
        "dateline": article.dateline,
        "standfirst": article.standfirst,
        "body": article.body,
        "authors": [row.author.name for row in article.article_authors.all()],
        # Beyond the names: each author whole, in byline order, so a restore is lossless.
        "author_details": [
            {"name": row.author.name, "slug": row.author.slug, "role": row.author.role,
             "bio": row.author.bio} for row in article.article_authors.all()
        ],
        "source": article.source,
        "countries": sorted(country.code for country in article.countries.all()),
        "ministers": sorted(minister.name for minister in article.ministers.all()),
        "policies": sorted(policy.name for policy in article.policies.all()),
        # What it mentions besides its subjects.
        "mentions": _mentions(article, dismissed=False),
        "corrections": [
            {"kind": c.kind, "note": c.note, "created_at": _iso(c.created_at)}
            for c in article.corrections.all()
        ],
        # Beyond DESIGN.md's fields: what a restore needs to keep the desk's state and to
        # keep refusing wire copy that was already imported.
        "headline_needs_review": article.headline_needs_review,
        "fingerprint": article.fingerprint,
        # The addresses it has left, which must keep leading to it.
        "retired_addresses": [
            {"published_on": old.published_on.isoformat(), "slug": old.slug}
            for old in article.retired_addresses.all()
        ],
        # Its hero image's words and file (relative to the media folder), or null.
        "image": image_record(article.hero_image),
        # The mentions an editor removed, which must stay removed.
        "mentions_removed": _mentions(article, dismissed=True),
    }


def _mentions(article, *, dismissed):
    """{plural: sorted codes or names} of the article's mentions, removed or not."""
    def named(tag):
        return getattr(tag, "code", None) or tag.name

    return {
        plural: sorted(named(row.tag) for row in getattr(article, f"mentioned_{plural}").all()
                       if row.dismissed == dismissed)
        for plural in MENTION_MODELS
    }


def export_lines(queryset=None, *, media=None):
    """Yield one JSON line per article, oldest id first, a few queries per 500 articles;
    ``media`` (a wire.media.MediaCopier) copies each hero image's file once."""
    queryset = (queryset if queryset is not None else Article.objects.all()).order_by("id")
    queryset = queryset.select_related("hero_image").prefetch_related(
        "countries", "ministers", "policies",
        Prefetch("article_authors", queryset=ArticleAuthor.objects.select_related("author")
                 .order_by("position", "id")),
        Prefetch("corrections", queryset=Correction.objects.order_by("created_at", "id")),
        Prefetch("retired_addresses", queryset=RetiredAddress.objects.order_by("id")),
        *(Prefetch(f"mentioned_{plural}", queryset=model.objects.select_related("tag"))
          for plural, model in MENTION_MODELS.items()),
    )
    for article in queryset.iterator(chunk_size=CHUNK_SIZE):
        if media is not None:
            media.copy(article.hero_image)
        yield json.dumps(export_record(article), ensure_ascii=False) + "\n"
