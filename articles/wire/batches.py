"""Storing imported articles many at a time: a few inserts per batch, not a dozen
queries and signals per article.

What each article's own save() and reversion's ``create_revision`` would do still holds:
the body is sanitised (``Article.sanitise``), the database's search-vector trigger runs
on every insert, the fingerprint stays unique, and each article gets a revision of its
own (its row, its tag rows and its byline rows, serialised as reversion serialises
them), so its history
shows and reverts in the admin like any other. Bulk inserts send no signals: the
caller tells ``invalidate()`` once per batch the keys ``store_articles`` returns.
"""

from dataclasses import dataclass, field

from django.utils import timezone

from articles.caching import dependencies, edges, search_words
from articles.caching.receivers import PUBLIC_FACING, article_keys, author_keys, tag_keys
from articles.editorial import mentions as mention_store
from articles.editorial import revisions
from articles.models import (
    TAXONOMIES,
    TAXONOMIES_BY_PLURAL,
    Article,
    ArticleAuthor,
    Correction,
    RetiredAddress,
)


@dataclass
class NewArticle:
    """An article ready to store: unsaved, checked; its tags and corrections; and the
    comment of its first revision."""

    article: Article
    comment: str
    tags: dict = field(default_factory=dict)  # taxonomy plural: [tag ids]
    authors: list = field(default_factory=list)  # saved Authors, in byline order
    corrections: list = field(default_factory=list)  # unsaved Corrections, no article yet
    retired: list = field(default_factory=list)  # unsaved RetiredAddresses, the same
    # Its mentions: found in its text (editorial.mentions.Found), or an export's
    # ({plural: [tag ids]}), restored as they were; None for none.
    mentions: object = None
    mentions_removed: dict = field(default_factory=dict)  # an export's, kept removed
    sanitised: bool = False  # its body already made safe (Article.sanitise), as it is stored


def store_articles(new_articles):
    """Insert the articles, their tag rows, bylines, corrections, retired addresses and first
    revisions; return the cache keys readers' pages depend on that the batch changed. Run
    inside a transaction.

    An article that already has an id (a failed attempt at the batch assigned it) is
    stored afresh.
    """
    articles = [new.article for new in new_articles]
    for new in new_articles:
        new.article.pk = None
        new.article._state.adding = True
        if not new.sanitised:  # a wire file's was, to be tagged
            new.article.sanitise()
            new.sanitised = True
    Article.objects.bulk_create(articles)
    owned_rows = _store_tag_rows(new_articles)
    bylines = ArticleAuthor.objects.bulk_create(
        ArticleAuthor(article=new.article, author=author, position=position)
        for new in new_articles for position, author in enumerate(new.authors)
    )
    for row in bylines:
        owned_rows[row.article_id].append(row)
    for model, rows in ((Correction, "corrections"), (RetiredAddress, "retired")):
        owned = []
        for new in new_articles:
            for row in getattr(new, rows):
                row.pk = None
                row.article = new.article
                owned.append(row)
        model.objects.bulk_create(owned)
    _record_history(new_articles, owned_rows)
    keys = _store_mentions(new_articles)
    # The searches for any word of a public one: it joins their results.
    keys |= search_words.of_articles(
        new.article.pk for new in new_articles if new.article.status in PUBLIC_FACING)
    for new in new_articles:
        if new.article.status in PUBLIC_FACING:
            keys |= article_keys(new.article.pk) | {dependencies.PUBLISHED}
            if new.article.published_at:
                keys |= dependencies.archive_of(new.article.published_at)
            for plural, ids in new.tags.items():
                keys |= tag_keys(TAXONOMIES_BY_PLURAL[plural].key, ids)
            keys |= author_keys(author.pk for author in new.authors)
            if any(c.kind in Correction.ABOVE_BODY for c in new.corrections):
                keys.add(dependencies.CORRECTIONS)
    # Not the new articles' own keys: nothing cached can show an article that did not
    # exist (at 500 wire files a batch, two thirds of the keys it bumped).
    keys -= {dependencies.article(new.article.pk) for new in new_articles}
    # A scheduled or embargoed one goes live later with nothing saved: edge caches are
    # purged then (this process's pages follow the state's next scheduled time).
    now = timezone.now()
    for moment in sorted({new.article.published_at for new in new_articles
                          if new.article.status == Article.Status.PUBLISHED
                          and new.article.published_at and new.article.published_at > now}):
        edges.purge_at(keys, moment)
    return keys


def _store_mentions(new_articles):
    """Store the batch's mentions, found or restored; the cache keys they change."""
    found, restored = {}, {}
    for new in new_articles:
        if isinstance(new.mentions, mention_store.Found):
            for row in new.mentions.ambiguous:
                row.pk, row.article_id = None, new.article.pk
            found[new.article.pk] = new.mentions
        elif new.mentions:
            restored[new.article.pk] = new.mentions
    listed_at = {new.article.pk: new.article.listed_at for new in new_articles}
    public = {new.article.pk for new in new_articles if new.article.status in PUBLIC_FACING}
    keys = mention_store.store_mentions(found, listed_at=listed_at, public=public) \
        if found else set()
    removed = {new.article.pk: new.mentions_removed for new in new_articles
               if new.mentions_removed}
    if removed:
        mention_store.restore_mentions(removed, listed_at=listed_at, dismissed=True)
    if restored:
        mention_store.restore_mentions(restored, listed_at=listed_at)
        keys |= {dependencies.mentions(TAXONOMIES_BY_PLURAL[plural].key, tag_id)
                 for pk, named in restored.items() if pk in public
                 for plural, ids in named.items() for tag_id in ids}
    return keys


def _store_tag_rows(new_articles):
    """Insert every tag row of the batch; {article id: [its tag rows]}."""
    rows_by_article = {new.article.pk: [] for new in new_articles}
    for taxonomy in TAXONOMIES.values():
        wanted = {tag_id for new in new_articles for tag_id in new.tags.get(taxonomy.plural, ())}
        if not wanted:
            continue
        # Tags by id, for the rows' history; an entry deleted since it was found is not
        # tagged (as apply_suggestions() would not).
        tags = taxonomy.model.objects.in_bulk(wanted)
        rows = [
            taxonomy.through(content_object=new.article, tag=tags[tag_id],
                             published_at=new.article.listed_at)
            for new in new_articles
            for tag_id in dict.fromkeys(new.tags.get(taxonomy.plural, ()))
            if tag_id in tags
        ]
        taxonomy.through.objects.bulk_create(rows)
        for row in rows:
            rows_by_article[row.content_object_id].append(row)
    return rows_by_article


def _record_history(new_articles, owned_rows):
    """One revision per article holding its row, its tag rows and its byline rows, as
    reversion's create_revision() around its save would store them."""
    revisions.store_revisions(
        ([new.article, *owned_rows[new.article.pk]], new.comment) for new in new_articles
    )
