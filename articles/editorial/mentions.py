"""Mentions: finding, storing and editing the references a story makes beyond its subjects.

``refresh_mentions(articles)`` finds each article's references with the auto-tagger
(``tagging.find_references``) and stores what is not a subject as mentions
(``models.mentions``), a few bulk queries per chunk of articles, leaving alone the
mentions an editor removed (``dismissed``). It runs on an editor's save, on every import
(``wire.batches``), from the background worker when the vocabulary changes
(``vocabulary_changed`` → ``refresh_all_mentions``), and from ``recompute_mentions``.
An import of an export restores the exported mentions instead (``restore_mentions``).

``mention_promote`` makes a mention a subject and ``mention_dismiss`` removes it; both
are edits of the article, recorded in its history.
"""

from dataclasses import dataclass, field

import reversion
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from articles.caching import dependencies
from articles.caching.invalidation import invalidate
from articles.caching.receivers import PUBLIC_FACING, article_keys
from articles.editorial import workflow
from articles.models import (
    MENTION_MODELS,
    TAXONOMIES,
    TAXONOMIES_BY_PLURAL,
    AmbiguousMention,
    Article,
    taxonomy_of,
)
from articles.models.mentions import EVIDENCE_KEPT
from articles.tagging import find_references, get_vocabulary, vocabulary_fingerprint

CHUNK_SIZE = 500  # articles read, tagged and written together
# The columns the tagger reads, and what the stored rows carry.
TAGGED_FIELDS = ("id", "headline", "standfirst", "body", "status", "published_at")


class MentionRefused(Exception):
    """A promotion or removal that cannot be done; the message says why."""


@dataclass
class Found:
    """One article's mentions ({plural: {tag id: [evidence dicts]}}), its ambiguous
    names (AmbiguousMention rows not yet stored) and the subjects they were found
    against ({plural: set of tag ids})."""

    mentions: dict
    ambiguous: list
    subjects: dict = field(default_factory=dict)


def mention_key(taxonomy_key, tag_id):
    return dependencies.mentions(taxonomy_key, tag_id)


def _paragraph(texts, field, offset):
    """The body paragraph (from 0) an offset falls in: the tagger reads a body one
    paragraph a line."""
    if field != "body":
        return None
    return texts["body"].count("\n", 0, offset)


def _evidence(item, texts):
    found = []
    for evidence in item.evidence[:EVIDENCE_KEPT]:
        where = getattr(evidence, "field", "body")
        offset = getattr(evidence, "offset", 0)
        paragraph = getattr(evidence, "paragraph", None)
        found.append({
            "text": getattr(evidence, "phrase", None) or getattr(evidence, "text", ""),
            "field": where,
            "paragraph": paragraph if paragraph is not None
            else _paragraph(texts, where, offset),
            "offset": offset,
        })
    return found


def _references(found):
    """(every reference as {plural: [Suggestion]}, [ambiguous]) of ``find_references``."""
    every = {}
    for tier in (found.subjects, found.mentions):
        for plural, items in (tier or {}).items():
            every.setdefault(plural, []).extend(items)
    return every, list(getattr(found, "ambiguous", None) or [])


def find_mentions(article, *, subjects, vocabulary, references=None):
    """The article's mentions: every reference its text makes that is not one of
    ``subjects`` ({plural: set of tag ids}), with evidence; and its ambiguous names.
    ``references``: the text's ``find_references`` when the caller has it already."""
    from articles.platform.text import html_to_text

    texts = {"headline": article.headline or "", "standfirst": article.standfirst or "",
             "body": html_to_text(article.body)}
    references, ambiguous = _references(
        references or find_references(article, vocabulary=vocabulary))
    mentions = {plural: {} for plural in MENTION_MODELS}
    for plural, items in references.items():
        if plural not in mentions:
            continue
        for item in items:
            if item.tag_id in subjects.get(plural, ()) or item.tag_id in mentions[plural]:
                continue
            mentions[plural][item.tag_id] = _evidence(item, texts)
    rows = []
    for name in ambiguous:
        candidates = [getattr(c, "tag_id", c) for c in name.candidates]
        plural = name.taxonomy if name.taxonomy in MENTION_MODELS else \
            TAXONOMIES[name.taxonomy].plural
        # A name the story's subjects settle is no longer a question for the editor.
        if set(candidates) & set(subjects.get(plural, ())):
            continue
        rows.append(AmbiguousMention(
            article_id=article.pk, taxonomy=plural, text=str(name.text)[:200],
            field=getattr(name, "field", "body"),
            paragraph=name.paragraph, offset=name.offset or 0,
            candidates=sorted(candidates),
        ))
    return Found(mentions, rows, subjects)


def _subjects_of(article_ids):
    """{article id: {plural: set of tag ids}}, three queries."""
    subjects = {pk: {plural: set() for plural in MENTION_MODELS} for pk in article_ids}
    for taxonomy in TAXONOMIES.values():
        rows = taxonomy.through.objects.filter(content_object_id__in=article_ids)
        for article_id, tag_id in rows.values_list("content_object_id", "tag_id"):
            subjects[article_id][taxonomy.plural].add(tag_id)
    return subjects


def store_mentions(found_by_article, *, listed_at, public=()):
    """Write each article's mentions as found ({article id: Found}): new ones added,
    changed evidence updated, those no longer found (or now subjects) deleted; removed
    ones (``dismissed``) stay removed. ``listed_at`` gives each article's publication
    time for its rows. Returns the cache keys readers' pages depend on that changed,
    for the articles in ``public`` (ids of public-facing articles)."""
    ids = list(found_by_article)
    changed = set()
    for plural, model in MENTION_MODELS.items():
        key = TAXONOMIES_BY_PLURAL[plural].key
        existing = {}
        for row in model.objects.filter(article_id__in=ids).only(
                "id", "article_id", "tag_id", "evidence", "dismissed", "published_at"):
            existing[(row.article_id, row.tag_id)] = row
        create, update, delete = [], [], []
        for article_id, found in found_by_article.items():
            wanted = found.mentions.get(plural, {})
            for tag_id, evidence in wanted.items():
                row = existing.pop((article_id, tag_id), None)
                if row is None:
                    create.append(model(article_id=article_id, tag_id=tag_id,
                                        evidence=evidence,
                                        published_at=listed_at[article_id]))
                    if article_id in public:
                        changed.add(mention_key(key, tag_id))
                elif row.evidence != evidence:
                    row.evidence = evidence
                    update.append(row)
        for (article_id, tag_id), row in existing.items():
            if row.dismissed and tag_id not in found_by_article[article_id].subjects.get(
                    plural, ()):
                continue  # an editor's removal sticks while the text still names it
            delete.append(row.pk)
            if article_id in public and not row.dismissed:
                changed.add(mention_key(key, tag_id))
        if create:
            model.objects.bulk_create(create, batch_size=1000, ignore_conflicts=True)
        if update:
            model.objects.bulk_update(update, ["evidence"], batch_size=1000)
        if delete:
            model.objects.filter(pk__in=delete).delete()
    AmbiguousMention.objects.filter(article_id__in=ids).delete()
    AmbiguousMention.objects.bulk_create(
        [row for found in found_by_article.values() for row in found.ambiguous],
        batch_size=1000)
    if changed:
        changed |= {key for article_id in public for key in article_keys(article_id)}
    return changed


def refresh_mentions(articles, *, vocabulary=None):
    """Find and store the mentions of ``articles`` (Article instances with the tagged
    fields loaded); returns the cache keys changed (the caller invalidates them)."""
    articles = list(articles)
    if not articles:
        return set()
    vocabulary = vocabulary or get_vocabulary()
    subjects = _subjects_of([article.pk for article in articles])
    found = {
        article.pk: find_mentions(article, subjects=subjects[article.pk],
                                  vocabulary=vocabulary)
        for article in articles
    }
    return store_mentions(
        found, listed_at={article.pk: article.listed_at for article in articles},
        public={article.pk for article in articles if article.status in PUBLIC_FACING},
    )


def refresh_article_mentions(article):
    """One article's mentions again (after an editor's save), invalidated for readers."""
    with transaction.atomic():
        invalidate(refresh_mentions([article]))


def article_chunks(queryset=None, *, chunk_size=CHUNK_SIZE):
    """The articles to tag, ``chunk_size`` at a time, by id (the primary key's order:
    no sort, no offset)."""
    queryset = Article.objects.all() if queryset is None else queryset
    queryset = queryset.only(*TAGGED_FIELDS).order_by("pk")
    last = 0
    while True:
        chunk = list(queryset.filter(pk__gt=last)[:chunk_size])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].pk


def refresh_all_mentions(*, queryset=None, progress=None, chunk_size=CHUNK_SIZE):
    """Every article's mentions again (the vocabulary changed): a chunk a transaction,
    invalidated as it goes; ``progress(n)`` after each chunk. Returns the count."""
    vocabulary = get_vocabulary()
    done = 0
    for chunk in article_chunks(queryset, chunk_size=chunk_size):
        with transaction.atomic():
            invalidate(refresh_mentions(chunk, vocabulary=vocabulary))
        done += len(chunk)
        if progress:
            progress(len(chunk))
    return done


# The background worker's part: the vocabulary changed, the mentions follow.

REFRESH_TASK = "articles.editorial.mentions.refresh_after_vocabulary_change"
_last_refreshed = {"fingerprint": None}


def refresh_after_vocabulary_change():
    """The worker's task: recompute every article's mentions, unless the vocabulary is
    as it was at the last run (a burst of edits queues one task each)."""
    fingerprint = vocabulary_fingerprint()
    if fingerprint == _last_refreshed["fingerprint"]:
        return 0
    done = refresh_all_mentions()
    _last_refreshed["fingerprint"] = fingerprint
    return done


def _queue_refresh():
    from django_q.tasks import async_task

    async_task(REFRESH_TASK, task_name="Recompute mentions", group="mentions")


def vocabulary_changed(sender, **kwargs):
    """A vocabulary entry saved or deleted: queue one recomputation once the write is
    committed (one per transaction, however many entries it writes)."""
    connection = transaction.get_connection()
    if any(callback[1] is _queue_refresh for callback in connection.run_on_commit):
        return
    transaction.on_commit(_queue_refresh)


def subjects_added(sender, instance, action, reverse, pk_set, **kwargs):
    """A tag added to articles, however (the form, a list action, a merge): it is a
    subject of theirs now, never also a mention."""
    if action != "post_add" or not pk_set:
        return
    taxonomy = taxonomy_of(sender)
    rows = MENTION_MODELS[taxonomy.plural].objects
    if reverse:
        rows = rows.filter(tag_id=instance.pk, article_id__in=pk_set)
    else:
        rows = rows.filter(article_id=instance.pk, tag_id__in=pk_set)
    gone = list(rows.filter(dismissed=False).values_list("article_id", "tag_id"))
    rows.delete()
    public = set(Article.objects.filter(pk__in={a for a, _ in gone},
                                        status__in=PUBLIC_FACING).values_list("pk", flat=True))
    changed = {mention_key(taxonomy.key, tag_id) for a, tag_id in gone if a in public}
    if changed:
        invalidate(changed)


def article_deleting(sender, instance, **kwargs):
    """A public-facing article deleted: the counts and lists of what it mentions change
    (read before its rows go with it)."""
    if instance.status not in PUBLIC_FACING:
        return
    changed = set()
    for plural, model in MENTION_MODELS.items():
        key = TAXONOMIES_BY_PLURAL[plural].key
        tag_ids = model.objects.shown().filter(article_id=instance.pk).values_list(
            "tag_id", flat=True)
        changed |= {mention_key(key, tag_id) for tag_id in tag_ids}
    if changed:
        invalidate(changed)


def connect_signals():
    pre_delete.connect(article_deleting, sender=Article, dispatch_uid="mentions-article-deleting")
    for taxonomy in TAXONOMIES.values():
        for signal in (post_save, post_delete):
            signal.connect(vocabulary_changed, sender=taxonomy.model,
                           dispatch_uid=f"mentions-{signal is post_save}-{taxonomy.key}")
        m2m_changed.connect(subjects_added, sender=taxonomy.through,
                            dispatch_uid=f"mentions-subjects-{taxonomy.key}")


# Restoring an export's mentions.

def restore_mentions(mentions_by_article, *, listed_at, dismissed=False):
    """Store the mentions an export names ({article id: {plural: [tag ids]}}) as they
    were (``dismissed``: those an editor removed), without evidence and without reading
    the text."""
    for plural, model in MENTION_MODELS.items():
        model.objects.bulk_create([
            model(article_id=article_id, tag_id=tag_id, published_at=listed_at[article_id],
                  dismissed=dismissed)
            for article_id, mentions in mentions_by_article.items()
            for tag_id in dict.fromkeys(mentions.get(plural, ()))
        ], batch_size=1000)


# An editor's hand: promote or remove.

def _mention_for(article, plural, row_id):
    model = MENTION_MODELS.get(plural)
    if model is None:
        raise MentionRefused("There is no such kind of mention.")
    row = model.objects.select_related("tag").filter(
        pk=row_id, article_id=article.pk, dismissed=False).first()
    if row is None:
        raise MentionRefused("This story has no such mention (it may have been made a "
                             "subject or removed meanwhile). Nothing was changed.")
    return row


def _edit(article, by):
    from articles.editorial.services import _lock

    current = _lock(article)
    if not workflow.can_edit(by, current):
        raise PermissionDenied("You may not edit this article.")
    return current


def mention_promote(*, article, plural, row_id, by):
    """Make a mention a subject: the tag is added, the mention goes; a new version."""
    with transaction.atomic(), reversion.create_revision():
        current = _edit(article, by)
        row = _mention_for(article, plural, row_id)
        tag = row.tag
        row.delete()
        getattr(article, plural).add(tag)
        _record_edit(article, current, by, plural, tag.pk,
                     f"made “{tag.name}” a subject (it was mentioned)")
    return tag


def mention_dismiss(*, article, plural, row_id, by):
    """Remove a mention; it stays removed when the mentions are found again."""
    with transaction.atomic(), reversion.create_revision():
        current = _edit(article, by)
        row = _mention_for(article, plural, row_id)
        row.dismissed = True
        row.save(update_fields=["dismissed"])
        _record_edit(article, current, by, plural, row.tag_id,
                     f"removed the mention of “{row.tag.name}”")
    return row.tag


def _record_edit(article, current, by, plural, tag_id, what):
    """A new version of the article, its revision saying what was done in words; the
    pages that show the mention told."""
    article.version = current.version + 1
    article.updated_by = by
    article.save(update_fields=["version", "updated_by", "updated_at"])
    reversion.set_user(by)
    reversion.set_comment(f"{TAXONOMIES_BY_PLURAL[plural].label}: {what}")
    if current.status in PUBLIC_FACING:
        invalidate(article_keys(current.pk)
                   | {mention_key(TAXONOMIES_BY_PLURAL[plural].key, tag_id)})
