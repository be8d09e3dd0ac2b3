"""Proposed updates from the wire: a later version of an agency's item whose story an
editor has taken over waits on the desk, and one click applies it."""

import reversion
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from articles.editorial import mentions, workflow
from articles.models import Article, Author, Correction, WireUpdate

COPIED = ("headline", "standfirst", "body", "dateline")


def copy_fields(article, values):
    """Put an item's copy on the article (its by-line: ``set_bylines`` once saved)."""
    for name in COPIED:
        setattr(article, name, values[name] if isinstance(values, dict)
                else getattr(values, name))


def set_bylines(article, bylines):
    """The by-line's names ("A, B") as the article's authors, each found or created."""
    names = [name.strip()[:120] for name in bylines.split(",") if name.strip()]
    if names or article.pk:
        article.set_authors(Author.objects.named(names))


def note_update(article, version):
    """Readers of a live story are told it was updated (the correction kind "update")."""
    if article.is_public:
        Correction.objects.create(
            article=article, kind=Correction.Kind.UPDATE,
            note=f"Updated with a later version from the agency (version {version}).")


def wire_update_apply(*, update, by):
    """Apply a proposed update: the agency's copy replaces the story's, as a new
    version; a live story gets an "Updated" note. Editors only."""
    with transaction.atomic(), reversion.create_revision():
        article = Article.objects.select_for_update().get(pk=update.article_id)
        update = WireUpdate.objects.select_for_update().get(pk=update.pk)
        if not (workflow.can_publish(by) and workflow.can_edit(by, article)):
            raise PermissionDenied("Only editors may apply an update from the wire.")
        if update.applied_at or update.dismissed:
            raise PermissionDenied("This update was applied or replaced already.")
        copy_fields(article, update)
        article.wire_version = update.wire_version
        article.version += 1
        article.updated_by = by
        article.save()
        set_bylines(article, update.bylines)
        mentions.refresh_article_mentions(article)
        note_update(article, update.wire_version)
        update.applied_at, update.applied_by = timezone.now(), by
        update.save(update_fields=["applied_at", "applied_by"])
        reversion.set_user(by)
        reversion.set_comment(f"Applied the wire's version {update.wire_version}")
    return article
