"""What each write changes for readers, told to ``invalidate()``: cache bookkeeping on the
signals of every row public pages show (not core logic: nothing else listens).

A write readers cannot see invalidates nothing: a draft or an article in review, saved,
tagged or corrected, before and after. Live, scheduled (the schedule decides when pages
change) and withdrawn articles (their address answers 410 with the newsroom's note) do.
``QuerySet.update()`` and bulk writes send no signals: code that uses them calls
``invalidate()`` itself.
"""

import threading

from django.db.models import Case, When
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_save,
    pre_delete,
    pre_save,
)
from django.utils import timezone

from articles.caching import dependencies as keys
from articles.caching import edges, search_words
from articles.caching.invalidation import invalidate
from articles.models import (
    MENTION_MODELS,
    TAXONOMIES,
    Article,
    ArticleAuthor,
    Author,
    Correction,
    FrontPageSlot,
    Image,
    taxonomy_of,
)

PUBLIC_FACING = (Article.Status.PUBLISHED, Article.Status.WITHDRAWN)
# An article's row as it was before the save under way in this thread, by instance.
_before = threading.local()


def article_keys(article_id):
    """What any change to a public-facing article changes: its page and cards, search
    results, the sitemap's lastmod."""
    return {keys.article(article_id), keys.SEARCH, keys.SITEMAP}


def tag_keys(taxonomy_key, tag_ids):
    """An article joining or leaving tags' listings: they, and what counts them."""
    return {keys.tag(taxonomy_key, tag_id) for tag_id in tag_ids} | {keys.PUBLISHED}


def listing_keys(article_id, *published_ats):
    """An article joining, leaving or moving in the listings: every listing it is or was
    on (its tags', the home page's, its months' archives)."""
    found = {keys.PUBLISHED}
    for published_at in published_ats:
        if published_at is not None:
            found |= keys.archive_of(published_at)
    for taxonomy in TAXONOMIES.values():
        tag_ids = taxonomy.through.objects.using("default").filter(
            content_object_id=article_id).values_list("tag_id", flat=True)
        found |= tag_keys(taxonomy.key, tag_ids)
        # The stories mentioning a tag list it too.
        mentioned = MENTION_MODELS[taxonomy.plural].objects.using("default").filter(
            article_id=article_id, dismissed=False).values_list("tag_id", flat=True)
        found |= {keys.mentions(taxonomy.key, tag_id) for tag_id in mentioned}
    return found | author_keys(ArticleAuthor.objects.using("default").filter(
        article_id=article_id).values_list("author_id", flat=True))


def author_keys(author_ids):
    """Authors' listings (their pages and feeds), and the index that counts them."""
    found = {keys.author_articles(pk) for pk in author_ids}
    return found | {keys.AUTHORS} if found else found


def _article_saving(sender, instance, raw=False, **kwargs):
    """Read the row as it is before the save: what readers knew of it."""
    if raw or instance._state.adding or instance.pk is None:
        return
    rows = getattr(_before, "rows", None)
    if rows is None:
        rows = _before.rows = {}
    fields = ["status", "slug", "published_at"]
    if search_words.in_use():
        # The words readers could find it by (read only for a public-facing article).
        fields.append(Case(When(status__in=PUBLIC_FACING, then=search_words.vector_text())))
    row = (sender.objects.using("default").filter(pk=instance.pk)
           .values_list(*fields).first())
    rows[id(instance)] = row and (row[:3], row[3] if len(row) > 3 else None)


def _article_saved(sender, instance, raw=False, **kwargs):
    """Invalidate, once the row is written, if readers see the article before or after."""
    before, words_before = getattr(_before, "rows", {}).pop(id(instance), None) or (None, None)
    if raw:
        return
    if instance.status not in PUBLIC_FACING and (before is None
                                                 or before[0] not in PUBLIC_FACING):
        return
    changed = article_keys(instance.pk)
    listed = before is None or before != (instance.status, instance.slug, instance.published_at)
    changed |= _search_keys(instance.pk, words_before, joins_or_leaves=listed)
    if listed:
        changed |= listing_keys(instance.pk, instance.published_at,
                                before[2] if before else None)
    if (instance.status == Article.Status.PUBLISHED and instance.published_at
            and instance.published_at > timezone.now()):
        # Scheduled: this process's pages follow the state's next scheduled time; edge
        # caches are purged when it comes, of what this save changed too (an edit of a
        # scheduled story's words).
        edges.purge_at(changed, instance.published_at)
    invalidate(changed, purge=_taken_down(instance, before))


def _taken_down(instance, before):
    """The address readers knew, if this save takes it down or moves it."""
    if before is None or before[0] != Article.Status.PUBLISHED or before[2] is None:
        return ()
    if (instance.status, instance.slug, instance.published_at) == before:
        return ()
    return (Article(slug=before[1], published_at=before[2]).get_absolute_url(),)


def _search_keys(article_id, words_before, *, joins_or_leaves):
    """The searches a save of a public-facing article changes: every word it had or has
    when it joins, leaves or moves in the results (a publication, a withdrawal, a new
    time); else the words the edit changed."""
    if not search_words.in_use():
        return set()
    words_after = (Article.objects.using("default").filter(pk=article_id)
                   .values_list(search_words.vector_text(), flat=True).first())
    if joins_or_leaves:
        return search_words.keys(search_words.lexemes(words_before).keys()
                                 | search_words.lexemes(words_after).keys())
    return search_words.changed(words_before, words_after)


def _article_deleting(sender, instance, **kwargs):
    """Before the row goes: the searches it could be found by."""
    if instance.status in PUBLIC_FACING:
        words = getattr(_before, "words", None)
        if words is None:
            words = _before.words = {}
        words[id(instance)] = search_words.of_articles([instance.pk])


def _article_deleted(sender, instance, **kwargs):
    words = getattr(_before, "words", {}).pop(id(instance), set())
    if instance.status in PUBLIC_FACING:
        purge = ()
        if instance.status == Article.Status.PUBLISHED and instance.published_at:
            purge = (instance.get_absolute_url(),)
        invalidate(article_keys(instance.pk) | words
                   | listing_keys(instance.pk, instance.published_at), purge=purge)


def _any_public_facing(article_ids):
    return Article.objects.using("default").filter(
        pk__in=article_ids, status__in=PUBLIC_FACING
    ).exists()


def _tags_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Tags added to or removed from articles (taggit's managers send this)."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    kind = taxonomy_of(sender).key
    if not reverse:
        if instance.status in PUBLIC_FACING:
            invalidate(article_keys(instance.pk) | tag_keys(kind, pk_set or ()))
    elif pk_set is None:
        invalidate({keys.EVERYTHING})  # a tag cleared of all its articles
    else:
        public = Article.objects.using("default").filter(
            pk__in=pk_set, status__in=PUBLIC_FACING).values_list("pk", flat=True)
        changed = set().union(*(article_keys(pk) for pk in public))
        if changed:
            invalidate(changed | tag_keys(kind, [instance.pk]))


def _tag_row_changed(sender, instance, **kwargs):
    """A through row saved or deleted directly (a merge, a cascade)."""
    if _any_public_facing([instance.content_object_id]):
        invalidate(article_keys(instance.content_object_id)
                   | tag_keys(taxonomy_of(sender).key, [instance.tag_id]))


def _correction_changed(sender, instance, **kwargs):
    """A note changes its article's notes (its page, not its cards: no listing, related
    list, feed or search result shows notes); a correction or clarification the
    corrections page."""
    if _any_public_facing([instance.article_id]):
        invalidate({keys.article_notes(instance.article_id), keys.CORRECTIONS})


def _byline_changed(sender, instance, **kwargs):
    """An author added to or removed from an article: its page, and their listing."""
    if _any_public_facing([instance.article_id]):
        invalidate(article_keys(instance.article_id) | author_keys([instance.author_id]))


def _author_changed(sender, instance, created=False, **kwargs):
    """An author edited: their page and feed, every byline naming them (which records
    their key), the index and the sitemap; a new one, only the lookups by slug."""
    changed = {keys.AUTHORS}
    if not created:
        changed |= {keys.author(instance.pk), keys.SITEMAP}
    invalidate(changed)


def _front_page_changed(sender, instance, **kwargs):
    """A story pinned, moved or unpinned: the home page (a slot whose story readers
    cannot see yet shows nothing of it, but its time coming renews everything)."""
    invalidate({keys.FRONT_PAGE})


def _vocabulary_changed(sender, instance, created=False, **kwargs):
    """A renamed or deleted entry changes every page that names it (cards, asides,
    indexes): everything; a new one, only the searches that name it (no article carries
    it yet), and a new minister joins their country's page (its list of ministers)."""
    if not created:
        invalidate({keys.EVERYTHING})
    elif getattr(instance, "country_id", None):
        invalidate({keys.VOCABULARY, keys.tag("country", instance.country_id)})
    else:
        invalidate({keys.VOCABULARY})


def _image_changed(sender, instance, created=False, **kwargs):
    """An image's words, focal point or renditions show wherever it does; a new one
    shows nowhere yet."""
    if not created:
        invalidate({keys.image(instance.pk)})


def connect_signals():
    receivers = [
        (pre_save, _article_saving, Article),
        (post_save, _article_saved, Article),
        (pre_delete, _article_deleting, Article),
        (post_delete, _article_deleted, Article),
        (post_save, _correction_changed, Correction),
        (post_delete, _correction_changed, Correction),
        (post_save, _byline_changed, ArticleAuthor),
        (post_delete, _byline_changed, ArticleAuthor),
        (post_save, _author_changed, Author),
        (post_delete, _author_changed, Author),
        (post_save, _front_page_changed, FrontPageSlot),
        (post_delete, _front_page_changed, FrontPageSlot),
        (post_save, _image_changed, Image),
        (post_delete, _image_changed, Image),
    ]
    for taxonomy in TAXONOMIES.values():
        receivers += [
            (m2m_changed, _tags_changed, taxonomy.through),
            (post_save, _tag_row_changed, taxonomy.through),
            (post_delete, _tag_row_changed, taxonomy.through),
            (post_save, _vocabulary_changed, taxonomy.model),
            (post_delete, _vocabulary_changed, taxonomy.model),
        ]
    for signal, receiver, model in receivers:
        signal.connect(receiver, sender=model,
                       dispatch_uid=f"invalidation-{receiver.__name__}-{model.__name__}")
