"""Editorial writes that do more than save one row. Admin, commands and tests call these."""

import reversion
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from reversion.errors import RevertError

from articles.caching import search_words
from articles.caching.invalidation import invalidate
from articles.caching.receivers import PUBLIC_FACING, listing_keys
from articles.editorial import history, mentions, revisions, workflow
from articles.models import (
    TAXONOMIES,
    TAXONOMIES_BY_PLURAL,
    Article,
    ArticleAuthor,
    Author,
    Image,
    Minister,
    Policy,
    TagMerge,
    address_refusal,
    slugs_in_use,
    taxonomy_of,
)
from articles.tagging import new_suggestions


class RevertRefused(Exception):
    """A stored version that cannot be brought back; the message says why."""


class ActionRefused(Exception):
    """A workflow step the article's state does not allow now; the message says why."""


class StaleEdit(Exception):
    """Someone else saved the article after this edit began."""

    def __init__(self, current):
        self.current = current
        who = "Someone else"
        if current.updated_by:
            who = current.updated_by.get_full_name() or current.updated_by.get_username()
        when = timezone.localtime(current.updated_at).strftime("%H:%M:%S")
        self.summary = f"{who} saved this article at {when}, after you started editing."
        super().__init__(
            f"{self.summary} Your changes have not been saved and are still in the form: "
            "open the article in a new tab to see the latest version, then apply your "
            "changes to it."
        )


# Statuses of an article that readers have seen at its address.
PUBLIC_ONCE = (Article.Status.PUBLISHED, Article.Status.WITHDRAWN)


def _lock(article):
    return (
        Article.objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .only("version", "status", "published_at", "updated_at", "updated_by", "created_by",
              "slug", "headline_needs_review")
        .get(pk=article.pk)
    )


def _check_transition(by, current, target):
    if not workflow.may_transition(by, current, target):
        label = Article.Status(target).label.lower()
        raise PermissionDenied(f"You may not move this article to “{label}”.")


def _record(by, comment):
    if reversion.is_active():
        reversion.set_user(by)
        _note(comment)


def _note(comment):
    """Say in the revision being recorded what happened, after what it says already
    (tags accepted from the suggestions, then "Published", in one save)."""
    if reversion.is_active():
        earlier = reversion.get_comment()
        reversion.set_comment(f"{earlier}\n{comment}" if earlier else comment)


LIVE_TIME_IN_FUTURE = (
    "Readers can see this story now, so its publication time cannot move into the future "
    "(that would take it off the site). Choose a time that has come, or withdraw it."
)


@transaction.atomic
def article_save(*, article, by, expected_version=None, headline_changed=False,
                 slug_changed=False):
    """Save an edit: refuse it if someone saved first or if the role may not make it.

    Until readers may have seen it, the address follows the headline (unless the slug
    was edited too); after that only an editor's new slug or time moves it, and the old
    address keeps leading here (``Article.save``).
    """
    if article.pk is None:
        _check_transition(by, None, article.status)
        article.created_by = by
        article.version = 1
    else:
        current = _lock(article)
        if expected_version is not None and expected_version < current.version:
            raise StaleEdit(current)
        if not workflow.can_edit(by, current):
            raise PermissionDenied("You may not edit this article.")
        _check_transition(by, current.status, article.status)
        if not workflow.can_publish(by) and article.published_at != current.published_at:
            raise PermissionDenied("Only editors may change the publication time.")
        if (current.address_seen and article.published_at != current.published_at
                and not article.address_seen):
            raise ActionRefused(LIVE_TIME_IN_FUTURE)
        article.version = current.version + 1
    if not article.slug or (headline_changed and not slug_changed
                            and not article.address_seen):
        article.follow_headline()
    refusal = address_refusal(article.slug, article_id=article.pk)
    if refusal:
        raise ActionRefused(refusal)
    if article.status == Article.Status.PUBLISHED and article.published_at is None:
        article.published_at = timezone.now()
    if headline_changed:
        article.headline_needs_review = False
    if article.wire_uri and not article.taken_over and _copy_edited(article):
        # The agency's later versions now wait on the desk (wire/lifecycle).
        article.taken_over = True
    article.hold_for_embargo()
    article.updated_by = by
    article.save()
    return article


def _copy_edited(article):
    """An editor changed the headline or body of the wire's copy."""
    saved = Article.objects.filter(pk=article.pk).values_list("headline", "body").first()
    return saved is not None and saved != (article.headline, Article(body=article.body)
                                           .sanitised_body())


def _transition(article, *, by, target, comment, published_at=None, refuse=None):
    with transaction.atomic(), reversion.create_revision():
        current = _lock(article)
        if not workflow.can_edit(by, current) and not workflow.can_publish(by):
            raise PermissionDenied("You may not edit this article.")
        _check_transition(by, current.status, target)
        reason = refuse and refuse(current)
        if reason:
            raise ActionRefused(reason)
        article.refresh_from_db()
        article.status = target
        if published_at is not None:
            article.published_at = published_at
        elif target == Article.Status.PUBLISHED and article.published_at is None:
            article.published_at = timezone.now()
        article.version = current.version + 1
        article.updated_by = by
        article.save()
        _record(by, comment)
    return article


# What a revert brings back: the story and its tags, never its workflow state.
REVERTED_FIELDS = ["headline", "standfirst", "body", "dateline", "source",
                   "headline_needs_review", "hero_image_id"]


def article_revert(*, article, version, by, expected_version=None):
    """Bring back a stored version's text and tags, as a new version; the role rules
    of any edit apply (a reporter reverts only their own unpublished work).

    A tag merged away since comes back as the entry it was merged into; one deleted
    since does not come back (see history.restorable).

    The status and publication time stay as they are (publishing and withdrawing are
    workflow actions), and so does the address of a story readers have seen. Only the
    article's own rows are read from the version (see history.article_version).
    """
    if history.article_version(article.pk, version.pk) is None:
        raise RevertRefused("That is not a saved version of this article.")
    with transaction.atomic(), reversion.create_revision():
        current = _lock(article)
        # The page was opened at the version now saved, or it is stale (or made up).
        if expected_version is not None and expected_version != current.version:
            raise StaleEdit(current)
        if not workflow.can_edit(by, current):
            raise PermissionDenied("You may not edit this article.")
        snapshot = history.restorable(
            history.version_snapshots([version], article.pk)[0]
        ).snapshot
        article.refresh_from_db()
        for name in REVERTED_FIELDS:
            if name in snapshot.fields:
                setattr(article, name, snapshot.fields[name])
        # An image deleted from the library since does not come back.
        if article.hero_image_id and not Image.objects.filter(pk=article.hero_image_id).exists():
            article.hero_image_id = None
        slug = snapshot.fields.get("slug")
        if (current.status not in PUBLIC_ONCE and slug
                and not slugs_in_use([slug], article_id=article.pk)):
            article.slug = slug
        article.version = current.version + 1
        article.updated_by = by
        article.save()
        _set_tags(article, snapshot)
        _set_byline(article, snapshot)
        mentions.refresh_article_mentions(article)
        saved_on = timezone.localtime(version.revision.date_created).strftime("%d %b %Y %H:%M")
        _record(by, f"Reverted to the version saved on {saved_on}")
    return article


def _set_tags(article, snapshot):
    for taxonomy in TAXONOMIES.values():
        getattr(article, taxonomy.plural).set(
            list(taxonomy.model.objects.filter(pk__in=snapshot.tags[taxonomy.plural]))
        )


def _set_byline(article, snapshot):
    """The version's authors in its order; a version that kept no byline leaves it."""
    if snapshot.authors is None:
        return
    if list(article.article_authors.values_list("author_id", flat=True)) == list(
            snapshot.authors):
        return
    authors = Author.objects.in_bulk(snapshot.authors)
    article.set_authors([authors[pk] for pk in snapshot.authors if pk in authors])


def article_recover(*, version, by):
    """Bring a deleted article back from its last stored version; editors only. Its
    tags come back as a revert's do (see history.restorable)."""
    if not by.has_perm("articles.edit_any_article"):
        raise PermissionDenied("Only editors may recover deleted articles.")
    article_id = version.object_id
    if history.article_version(article_id, version.pk) is None:
        raise RevertRefused("That is not a saved version of a deleted article.")
    with transaction.atomic(), reversion.create_revision():
        if Article.objects.filter(pk=article_id).exists():
            raise RevertRefused("That article still exists: revert it from its history.")
        snapshot = history.restorable(
            history.version_snapshots([version], article_id)[0]
        ).snapshot
        if slugs_in_use([snapshot.fields["slug"]], article_id=article_id):
            raise RevertRefused("Another article now has this article's address, so it "
                                "cannot be recovered.")
        try:
            with transaction.atomic():
                # The article's row alone: its stored tag rows may name entries merged
                # or deleted since, so its tags are set as a revert sets them.
                version.revert()
                article = Article.objects.get(pk=article_id)
                _set_tags(article, snapshot)
                _set_byline(article, snapshot)
                _drop_lost_references(article)
                article.version += 1
                article.updated_by = by
                article.save()
                if article.status in PUBLIC_FACING:
                    # The row came back by a raw save, which no receiver hears: it joins
                    # its listings and the searches for its words again.
                    invalidate(listing_keys(article.pk, article.published_at)
                               | search_words.of_articles([article.pk]))
                article.carry_publication_time()
                # Foreign keys are checked at the commit: check them here, where a
                # refusal can still be told to the editor.
                connection.check_constraints(table_names=RECOVERED_TABLES)
        except (IntegrityError, RevertError) as error:
            raise RevertRefused(
                "This article cannot be recovered: its stored version clashes with "
                "something saved since it was deleted (the same wire copy imported again, "
                "say). Nothing was changed."
            ) from error
        _record(by, "Recovered after deletion")
    return article


# The rows a recovery writes: the article, its tag rows and its byline.
RECOVERED_TABLES = [Article._meta.db_table, ArticleAuthor._meta.db_table,
                    *(taxonomy.through._meta.db_table for taxonomy in TAXONOMIES.values())]


def _drop_lost_references(article):
    """Clear the article's links to rows deleted since its version was stored (the
    account of a colleague who left): the version still names them, and the database
    would refuse the article."""
    for field in Article._meta.concrete_fields:
        value = getattr(article, field.attname)
        if field.many_to_one and field.null and value is not None and not (
            field.related_model._base_manager.filter(pk=value).exists()
        ):
            setattr(article, field.attname, None)


def article_submit(*, article, by):
    """A reporter hands a draft to the desk."""
    return _transition(article, by=by, target=Article.Status.REVIEW, comment="Submitted for review")


HEADLINE_UNCHECKED = (
    "The headline of this wire story was derived from its first sentence and no editor "
    "has checked it yet. Rewrite the headline, or untick “headline needs review” to keep "
    "it, and save; then publish."
)


def article_publish(*, article, by, at=None):
    """Publish now, or schedule when `at` (or the article's own time) is in the future.

    Wire copy whose derived headline no editor has checked is refused (the import's
    ``--publish`` is the operator's explicit choice and does not come here).
    """
    never_published = article.status in (Article.Status.DRAFT, Article.Status.REVIEW)
    if at is None and never_published and article.published_at:
        # A time set before publishing (e.g. while in review) is honoured as a schedule
        # only if it is still to come; a stale past time becomes "now". A withdrawn
        # article keeps its time, and so its address, when it is published again.
        at = article.published_at if article.published_at > timezone.now() else timezone.now()
    elif at is None and article.is_scheduled:
        at = timezone.now()  # "publish now" brings a scheduled story forward
    if article.embargo_until and (at or timezone.now()) < article.embargo_until:
        at = article.embargo_until  # never before the embargo: scheduled for it
    comment = "Scheduled" if at and at > timezone.now() else "Published"
    return _transition(
        article, by=by, target=Article.Status.PUBLISHED, comment=comment, published_at=at,
        refuse=_headline_unchecked,
    )


def _headline_unchecked(current):
    return HEADLINE_UNCHECKED if current.headline_needs_review else None


def article_unschedule(*, article, by):
    """Take a scheduled article off the schedule: back in review, with no time set."""
    with transaction.atomic(), reversion.create_revision():
        current = _lock(article)
        if not workflow.can_publish(by):
            raise PermissionDenied("Only editors may unschedule an article.")
        if not current.is_scheduled:
            raise ActionRefused("This article is not scheduled, so there is nothing to "
                                "unschedule.")
        article.refresh_from_db()
        was = article.published_at
        article.status = Article.Status.REVIEW
        article.published_at = None
        article.version = current.version + 1
        article.updated_by = by
        article.save()
        local = timezone.localtime(was).strftime("%d %b %Y %H:%M")
        _record(by, f"Unscheduled (was to be published {local}); back in review")
    return article


def article_withdraw(*, article, by, reason=""):
    """Take a published article off the site; it stays in the archive for editors.

    The reason is for the newsroom: history keeps it, readers never see it (what they
    see at the address is the article's withdrawal note).
    """
    comment = f"Withdrawn. Reason: {reason}" if reason else "Withdrawn"
    return _transition(article, by=by, target=Article.Status.WITHDRAWN, comment=comment)


def article_return_to_draft(*, article, by):
    """Send an article in review (or withdrawn) back to its writer as a draft."""
    return _transition(article, by=by, target=Article.Status.DRAFT, comment="Returned to draft")


def article_add_suggested_tags(*, article, by, accept=None):
    """Add the auto-tagger's suggestions (those keyed in `accept`, if given) as an edit.

    A new version, recorded in history, so an editor with the form open cannot silently
    undo it. Returns the number of tags added.
    """
    with transaction.atomic(), reversion.create_revision():
        current = _lock(article)
        if not workflow.can_edit(by, current):
            raise PermissionDenied("You may not edit this article.")
        suggestions = new_suggestions(article)
        added = apply_suggestions(article=article, suggestions=suggestions, accept=accept)
        if added:
            mentions.refresh_article_mentions(article)
            article.version = current.version + 1
            article.updated_by = by
            article.save(update_fields=["version", "updated_by", "updated_at"])
            reversion.set_user(by)
    return added


VOCABULARY_MODELS = {taxonomy.model for taxonomy in TAXONOMIES.values()}


@transaction.atomic
def tag_merge(*, keep, merged, by=None):
    """Move every article tagged with `merged` entries to `keep`; old names become aliases.

    Each merge is recorded (TagMerge: a version tagged with the old entry reverts to the
    kept one), and each article it touched gets a version saying so in its history.
    Returns the number of articles whose tags were moved.
    """
    model = type(keep)
    if model not in VOCABULARY_MODELS:
        raise ValueError(f"Cannot merge {model.__name__} entries.")
    through = model.tagged_items.rel.related_model
    keep = model.objects.select_for_update().get(pk=keep.pk)
    moved, touched = 0, {}
    taxonomy = taxonomy_of(model)
    aliases = list(keep.aliases)
    known = {name.casefold() for name in [keep.name, *aliases]}
    for other in merged:
        if type(other) is not model:
            raise ValueError("Only entries of one vocabulary can be merged.")
        if other.pk == keep.pk:
            continue
        for article_id in through.objects.filter(tag=other).values_list(
                "content_object_id", flat=True):
            touched.setdefault(article_id, []).append(other.name)
        TagMerge.objects.create(taxonomy=taxonomy.key, old_id=other.pk, old_name=other.name,
                                old_slug=other.slug, kept_id=keep.pk, kept_name=keep.name,
                                merged_by=by)
        already = through.objects.filter(tag=keep).values("content_object_id")
        through.objects.filter(tag=other, content_object_id__in=already).delete()
        moved += through.objects.filter(tag=other).update(tag=keep)
        for name in [other.name, *other.aliases]:
            if name.casefold() not in known:
                known.add(name.casefold())
                aliases.append(name)
        if model is Minister:
            keep.office = keep.office or other.office
            keep.country_id = keep.country_id or other.country_id
        if model is Policy:
            keep.description = keep.description or other.description
        other.delete()
    keep.aliases = aliases
    keep.save()
    # One revision per article, holding only it: each stays revertible on its own.
    revisions.store_article_revisions({
        article_id: f"{taxonomy.label}: {', '.join(f'“{name}”' for name in names)} "
        f"merged into “{keep.name}”"
        for article_id, names in touched.items()
    }, user=by)
    return moved


def apply_suggestions(*, article, suggestions, accept=None):
    """Add the suggested tags (only those whose key is in `accept`, if given).

    Never removes a tag; the revision being recorded, if any, says which it added
    ("Tags: + Narendra Modi (suggested)"). Returns the number of tags added.
    """
    added = []
    for taxonomy, items in suggestions.items():
        ids = [s.tag_id for s in items if accept is None or s.key in accept]
        if not ids:
            continue
        manager = getattr(article, taxonomy)
        present = set(manager.values_list("id", flat=True))
        model = TAXONOMIES_BY_PLURAL[taxonomy].model
        new = [tag for tag in model.objects.filter(id__in=ids) if tag.id not in present]
        if new:
            manager.add(*new)
            added += new
    if added and reversion.is_active():
        names = ", ".join(f"+ {tag.name}" for tag in added)
        _note(f"Tags: {names} (suggested)")
    return len(added)
