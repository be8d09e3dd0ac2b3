"""What changed between saved versions of an article, for the history page."""

import difflib

from django.contrib.contenttypes.models import ContentType
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from reversion.models import Version

from articles.models import TAXONOMIES, Article
from articles.platform.text import visible_controls

TEXT_FIELDS = ["headline", "standfirst", "body", "dateline", "bylines", "slug"]
MANAGERS = [t.manager for t in TAXONOMIES.values()]
OTHER_FIELDS = ["status", "published_at", "headline_needs_review", "image_alt"]

def word_diff(old, new):
    """The words removed and added between two texts, marked up with <del> and <ins>.

    An invisible control character shows as its code ([U+0001]), so a change to one is
    seen, and it cannot disturb the page.
    """
    old_words = visible_controls(strip_tags(old or "")).split()
    new_words = visible_controls(strip_tags(new or "")).split()
    parts = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            words = old_words[a1:a2]
            text = " ".join(words) if len(words) <= 12 else \
                f"{' '.join(words[:5])} … {' '.join(words[-5:])}"
            parts.append(escape(text))
            continue
        if a2 > a1:
            parts.append(f"<del>{escape(' '.join(old_words[a1:a2]))}</del>")
        if b2 > b1:
            parts.append(f"<ins>{escape(' '.join(new_words[b1:b2]))}</ins>")
    return mark_safe(" ".join(parts))


def _tag_ids_by_revision(revision_ids):
    """{revision id: {taxonomy: set of tag ids}} in one query over the stored versions."""
    content_types = {
        ContentType.objects.get_for_model(t.through).pk: t.manager for t in TAXONOMIES.values()
    }
    tags = {rid: {t.manager: set() for t in TAXONOMIES.values()} for rid in revision_ids}
    stored = Version.objects.filter(
        revision_id__in=revision_ids, content_type_id__in=content_types
    )
    for version in stored:
        tags[version.revision_id][content_types[version.content_type_id]].add(
            version.field_dict["tag_id"] if "tag_id" in version.field_dict
            else version.field_dict["tag"]
        )
    return tags


def missing_tags(revision_id):
    """How many tags a stored version carries that no longer exist (merged or deleted)."""
    stored = _tag_ids_by_revision([revision_id])[revision_id]
    return sum(
        len(stored[t.manager] - set(t.model.objects.filter(pk__in=stored[t.manager])
                                    .values_list("pk", flat=True)))
        for t in TAXONOMIES.values()
    )


def article_changes(versions):
    """For each version of an article (newest first), the fields it changed, as a list."""
    versions = list(versions)
    tags = _tag_ids_by_revision([v.revision_id for v in versions])
    all_ids = {
        name: set().union(*(tags[v.revision_id][name] for v in versions)) if versions else set()
        for name in MANAGERS
    }
    names = {
        t.manager: dict(t.model.objects.filter(pk__in=all_ids[t.manager]).values_list("pk", "name"))
        for t in TAXONOMIES.values()
    }
    result = []
    for newer, older in zip(versions, [*versions[1:], None], strict=True):
        changes = []
        result.append(changes)
        if older is None:
            continue  # the first stored version: nothing earlier to compare with
        new, old = newer.field_dict, older.field_dict
        for field in TEXT_FIELDS:
            if new.get(field) != old.get(field):
                changes.append((_label(field), word_diff(old.get(field), new.get(field))))
        for field in OTHER_FIELDS:
            if new.get(field) != old.get(field):
                changes.append((_label(field), visible_controls(
                    f"{old.get(field)} → {new.get(field)}"
                )))
        for name in MANAGERS:
            now = tags[newer.revision_id][name]
            before = tags[older.revision_id][name]
            added = sorted(names[name].get(pk, f"#{pk}") for pk in now - before)
            removed = sorted(names[name].get(pk, f"#{pk}") for pk in before - now)
            if added or removed:
                text = ", ".join([*(f"+ {n}" for n in added), *(f"− {n}" for n in removed)])
                changes.append((name.capitalize(), text))
    return result


def _label(field):
    return Article._meta.get_field(field).verbose_name.capitalize()
