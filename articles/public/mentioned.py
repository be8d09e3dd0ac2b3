"""Reads of mentions for readers: the stories that mention a tag (its count on the tag's
page, its "also mentioned in" listing and feed) and what an article mentions (its
JSON-LD ``mentions``). Every read goes through the visibility rule, read from the
mention rows' publication time (``MentionQuerySet.published()``) or from
``Article.objects.published()``; each records its dependency keys."""

import functools

from django.db import router
from django.db.models import Value

from articles.caching import dependencies
from articles.caching.state import remember
from articles.models import MENTION_MODELS, TAXONOMIES, Article
from articles.platform.compiled import STAND_IN_ID, Compiled
from articles.public.selectors import KIND_ORDER, TagUrls, listing


def _mentions_of(taxonomy):
    return MENTION_MODELS[taxonomy.plural]


def articles_mentioning(tag):
    """Public articles that mention the tag (and an editor has not removed it), newest
    first."""
    relation = f"mentioned_{tag.taxonomy.plural}"
    return listing(Article.objects.published().filter(
        **{f"{relation}__tag": tag, f"{relation}__dismissed": False}))


def mention_listing_rows(tag):
    """(published_at, article id) of ``articles_mentioning(tag)`` in its order, from the
    tag's own mention rows (their "latest" index)."""
    return (
        _mentions_of(tag.taxonomy).objects.published().filter(tag=tag)
        .order_by("-published_at", "-article_id")
        .values_list("published_at", "article_id")
    )


def _subject_and_mention_rows(article_id):
    """(tier, kind, tag id, name, slug) of the article's subjects (tier 0: its tags) and
    mentions (tier 1), in one UNION ALL over the six tables."""
    parts = []
    for taxonomy in TAXONOMIES.values():
        parts.append(taxonomy.through.objects.filter(content_object_id=article_id)
                     .annotate(tier=Value(0), kind=Value(taxonomy.key))
                     .values_list("tier", "kind", "tag_id", "tag__name", "tag__slug")
                     .order_by())
        parts.append(_mentions_of(taxonomy).objects.shown().filter(article_id=article_id)
                     .annotate(tier=Value(1), kind=Value(taxonomy.key))
                     .values_list("tier", "kind", "tag_id", "tag__name", "tag__slug")
                     .order_by())
    return parts[0].union(*parts[1:], all=True)


@functools.cache
def _subject_and_mention_query(database):
    """``_subject_and_mention_rows`` compiled once per database: building it took 3.5 ms
    of an article's first render, running it 0.9 (at 100,000 articles)."""
    return Compiled.of(_subject_and_mention_rows(STAND_IN_ID), database)


def article_subjects_and_mentions(article, *, fresh=False):
    """The article's tags and what it mentions besides, as two lists of TagLinks
    (countries, then ministers, then policies, A–Z): one query, remembered until the
    article changes (``fresh``: read now, for a preview)."""
    def read():
        urls = TagUrls()
        tiers = ([], [])
        query = _subject_and_mention_query(router.db_for_read(Article))
        for tier, kind, pk, name, slug in sorted(
                query.rows(pk=article.pk),
                key=lambda row: (row[0], KIND_ORDER[row[1]], row[3])):
            tiers[tier].append(urls.link(kind, pk, name, slug))
        return tiers

    return read() if fresh else remember(
        "article-subjects-mentions", read, article.pk,
        depends_on={dependencies.article(article.pk)})
