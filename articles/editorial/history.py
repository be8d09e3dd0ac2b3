"""An article's saved versions: finding one safely, and what changed between two.

A stored version is trusted only if it is a version of an ``Article`` row with the
article's own id, in a revision that holds nothing of any other article: a version id
taken from another model's history (a tag row whose id happens to equal the article's)
or a revision shared with other articles never reaches a revert.
"""

import difflib
from dataclasses import dataclass, replace
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from reversion.models import Version

from articles.models import TAXONOMIES, Article, ArticleAuthor, Author, TagMerge
from articles.platform.text import html_to_text, visible_controls

TEXT_FIELDS = ["headline", "standfirst", "body", "dateline", "source", "slug"]
HTML_FIELDS = {"body"}  # compared as the words readers see; the others as typed
OTHER_FIELDS = ["hero_image_id", "status", "published_at", "headline_needs_review"]
PARAGRAPH = "\n"  # a word of its own in a body's diff, where a paragraph ends
SAME_WORDS = "Formatting or spacing only: the words are the same."
AUTHORS = "authors"  # tag_names()'s key for the bylines' names


@dataclass(frozen=True)
class Snapshot:
    """An article's fields, tag ids and byline, as stored in one version or as it is
    now."""

    fields: dict
    tags: dict  # taxonomy plural ("countries") -> frozenset of tag ids
    # Author ids in byline order; None for a version stored before bylines were kept in
    # history: a revert to it leaves the byline as it is.
    authors: tuple | None = None


def _through_types():
    """{content type id of a through model: its taxonomy's plural}."""
    return {
        ContentType.objects.get_for_model(t.through).pk: t.plural for t in TAXONOMIES.values()
    }


def _tag_id(field_dict):
    return field_dict["tag_id"] if "tag_id" in field_dict else field_dict["tag"]


def _owner_id(field_dict):
    owner = field_dict.get("content_object_id", field_dict.get("content_object"))
    return int(owner) if owner is not None else None


def _byline_owner_id(field_dict):
    owner = field_dict.get("article_id", field_dict.get("article"))
    return int(owner) if owner is not None else None


def article_version(article_id, version_id):
    """The stored version ``version_id`` of the article, or None if it is not one.

    It must be a version of an Article row with this id, in a revision that holds no
    other article and no tag row of another article.
    """
    try:
        version_id, article_id = int(version_id), int(article_id)
    except (TypeError, ValueError):
        return None
    version = (
        Version.objects.select_related("revision", "revision__user")
        .filter(pk=version_id, content_type=ContentType.objects.get_for_model(Article),
                object_id=str(article_id))
        .first()
    )
    if version is None or not holds_only(version.revision_id, article_id):
        return None
    return version


def holds_only(revision_id, article_id):
    """True if the revision stores this article and its own tag and byline rows, and
    nothing else."""
    return revision_id in revisions_holding_only([revision_id], article_id)


def revisions_holding_only(revision_ids, article_id):
    """Those of the revisions that store this article and its own tag and byline rows,
    and nothing else (a revision shared with other articles is not one): one query for
    them all."""
    article_id = int(article_id)
    article_type = ContentType.objects.get_for_model(Article).pk
    byline_type = ContentType.objects.get_for_model(ArticleAuthor).pk
    through_types = _through_types()
    shared = set()
    for stored in Version.objects.filter(revision_id__in=revision_ids):
        if stored.content_type_id == article_type:
            own = stored.object_id == str(article_id)
        elif stored.content_type_id in through_types:
            own = _owner_id(stored.field_dict) == article_id
        elif stored.content_type_id == byline_type:
            own = _byline_owner_id(stored.field_dict) == article_id
        else:
            own = False
        if not own:
            shared.add(stored.revision_id)
    return set(revision_ids) - shared


def _tag_ids_by_revision(revision_ids, article_id):
    """{revision id: {taxonomy plural: set of tag ids}} of the article's own tag rows."""
    through_types = _through_types()
    tags = {rid: {t.plural: set() for t in TAXONOMIES.values()} for rid in revision_ids}
    stored = Version.objects.filter(
        revision_id__in=revision_ids, content_type_id__in=through_types
    )
    for version in stored:
        if _owner_id(version.field_dict) == article_id:
            plural = through_types[version.content_type_id]
            tags[version.revision_id][plural].add(_tag_id(version.field_dict))
    return tags


def _author_ids_by_revision(revision_ids, article_id):
    """{revision id: author ids in byline order} of the article's own byline rows; a
    revision without any is left out (an empty byline is not told from a version
    stored before bylines were kept)."""
    rows = {}
    stored = Version.objects.filter(
        revision_id__in=revision_ids,
        content_type=ContentType.objects.get_for_model(ArticleAuthor),
    )
    for version in stored:
        row = version.field_dict
        if _byline_owner_id(row) == article_id:
            rows.setdefault(version.revision_id, []).append(
                (row["position"], int(version.object_id), row["author_id"])
            )
    return {rid: tuple(author for *_, author in sorted(found))
            for rid, found in rows.items()}


def version_snapshots(versions, article_id):
    """A Snapshot of each version, in order; the tags of all of them in one query, the
    bylines in another."""
    versions = list(versions)
    revision_ids = [v.revision_id for v in versions]
    tags = _tag_ids_by_revision(revision_ids, int(article_id))
    authors = _author_ids_by_revision(revision_ids, int(article_id))
    return [
        Snapshot(dict(v.field_dict),
                 {m: frozenset(ids) for m, ids in tags[v.revision_id].items()},
                 authors.get(v.revision_id))
        for v in versions
    ]


def current_snapshot(article):
    """The article as it is saved now."""
    fields = {field.attname: getattr(article, field.attname)
              for field in Article._meta.concrete_fields}
    tags = {
        t.plural: frozenset(
            t.through.objects.filter(content_object_id=article.pk).values_list("tag_id",
                                                                               flat=True)
        )
        for t in TAXONOMIES.values()
    }
    authors = tuple(article.article_authors.values_list("author_id", flat=True))
    return Snapshot(fields, tags, authors)


@dataclass(frozen=True)
class Restorable:
    """What a stored version brings back now: its tags, a merged-away entry replaced
    by the entry it was merged into, a deleted one left out; its byline, a deleted
    author left out; and notes saying so."""

    snapshot: Snapshot
    notes: list


def restorable(snapshot):
    """The version's tags as they can be restored today (see ``Restorable``)."""
    tags, notes = {}, []
    for taxonomy in TAXONOMIES.values():
        ids = snapshot.tags[taxonomy.plural]
        kept = TagMerge.objects.kept_ids(taxonomy.key, ids)
        wanted = {kept.get(pk, pk) for pk in ids}
        names = dict(taxonomy.model.objects.filter(pk__in=wanted).values_list("pk", "name"))
        merges = {m.old_id: m for m in TagMerge.objects.filter(taxonomy=taxonomy.key,
                                                               old_id__in=kept)}
        for old, now in sorted(kept.items()):
            if now in names:
                notes.append(f"{taxonomy.label}: “{merges[old].old_name}” was merged into "
                             f"“{names[now]}”, which comes back in its place.")
        gone = wanted - set(names)
        if gone:
            notes.append(f"{taxonomy.label}: {len(gone)} of that version's entries have "
                         "since been deleted and do not come back.")
        tags[taxonomy.plural] = frozenset(names)
    authors = snapshot.authors
    if authors:
        existing = set(Author.objects.filter(pk__in=authors).values_list("pk", flat=True))
        if len(existing) < len(authors):
            notes.append(f"Authors: {len(authors) - len(existing)} of that version's "
                         "authors have since been deleted and do not come back.")
        authors = tuple(pk for pk in authors if pk in existing)
    return Restorable(replace(snapshot, tags=tags, authors=authors), notes)


def _words(text, markup):
    if not markup:
        return visible_controls(text or "").split()
    words = []
    for paragraph in html_to_text(text).split("\n"):
        paragraph_words = visible_controls(paragraph).split()
        if paragraph_words:
            words += [*([PARAGRAPH] if words else []), *paragraph_words]
    return words


def _run(words):
    """Words as escaped HTML, a paragraph's end as a break a reader sees."""
    return " ".join('<span class="diff-paragraph"></span>' if w == PARAGRAPH else escape(w)
                    for w in words)


def word_diff(old, new, *, markup=False, whole=False):
    """The words removed and added between two texts, marked up with <del> and <ins>.

    ``markup``: the texts are HTML, compared as the words a reader sees, paragraph by
    paragraph ("&amp;" is "&"). An invisible control character shows as its code
    ([U+0001]), so a change to one is seen, and it cannot disturb the page. Unchanged
    runs of words are shortened to their ends, unless ``whole``.
    """
    old_words, new_words = _words(old, markup), _words(new, markup)
    parts = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            words = old_words[a1:a2]
            if whole or len(words) <= 12:
                parts.append(_run(words))
            else:
                parts.append(f"{_run(words[:5])} … {_run(words[-5:])}")
            continue
        if a2 > a1:
            parts.append(f"<del>{_run(old_words[a1:a2])}</del>")
        if b2 > b1:
            parts.append(f"<ins>{_run(new_words[b1:b2])}</ins>")
    return mark_safe(" ".join(parts))  # noqa: S308 - every word escaped


def _comparable(value):
    """A stored value as compared: a time to the second (a version stores a time to the
    millisecond, the database to the microsecond: that is no change), no text as ""."""
    if isinstance(value, datetime):
        return value.replace(microsecond=0)
    return "" if value is None else value


def _shown(field, value):
    """A value of one of OTHER_FIELDS as an editor reads it."""
    if value in (None, ""):
        return "none"
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "j M Y, H:i")
    if field == "status":
        return Article.Status(value).label
    if field == "hero_image_id":
        return f"image #{value}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return visible_controls(str(value))


def compare(old, new, tag_names, *, whole=False):
    """[(label, change)] of what differs from Snapshot ``old`` to Snapshot ``new``.

    ``tag_names`` maps each taxonomy's plural to {tag id: name} (ids not found show as
    "#id"), and "authors" to {author id: name}. ``whole``: texts in full, not only
    around their changes. A byline not kept in ``new`` is no change.
    """
    changes = []
    for field in TEXT_FIELDS:
        before, after = old.fields.get(field), new.fields.get(field)
        markup = field in HTML_FIELDS
        if _comparable(before) == _comparable(after):
            continue
        if _words(before, markup) == _words(after, markup):
            changes.append((_label(field), SAME_WORDS))
        else:
            changes.append((_label(field), word_diff(before, after, markup=markup,
                                                     whole=whole)))
    for field in OTHER_FIELDS:
        before, after = old.fields.get(field), new.fields.get(field)
        if _comparable(before) != _comparable(after):
            changes.append((_label(field),
                            f"{_shown(field, before)} → {_shown(field, after)}"))
    for taxonomy in TAXONOMIES.values():
        plural, names = taxonomy.plural, tag_names[taxonomy.plural]
        added = sorted(names.get(pk, f"#{pk}") for pk in new.tags[plural] - old.tags[plural])
        removed = sorted(names.get(pk, f"#{pk}") for pk in old.tags[plural] - new.tags[plural])
        if added or removed:
            text = ", ".join([*(f"+ {n}" for n in added), *(f"− {n}" for n in removed)])
            changes.append((taxonomy.label, text))
    if new.authors is not None and tuple(old.authors or ()) != new.authors:
        names = tag_names[AUTHORS]

        def byline(ids):
            return ", ".join(names.get(pk, f"#{pk}") for pk in ids) or "none"

        changes.append(("Authors", f"{byline(old.authors or ())} → {byline(new.authors)}"))
    return changes


def tag_names(snapshots):
    """{taxonomy plural: {tag id: name}} for every tag any of the snapshots carries, an
    entry merged away named with the one it was merged into: two queries a taxonomy;
    and {"authors": {author id: name}} for their bylines, one more."""
    names = {}
    for t in TAXONOMIES.values():
        ids = set().union(*(s.tags[t.plural] for s in snapshots))
        names[t.plural] = dict(t.model.objects.filter(pk__in=ids).values_list("pk", "name"))
        for merge in TagMerge.objects.filter(taxonomy=t.key,
                                             old_id__in=ids - set(names[t.plural])):
            names[t.plural][merge.old_id] = (f"{merge.old_name} (merged into "
                                             f"{merge.kept_name})")
    author_ids = set().union(*(s.authors or () for s in snapshots))
    names[AUTHORS] = dict(Author.objects.filter(pk__in=author_ids).values_list("pk", "name"))
    return names


def article_changes(versions, article_id):
    """For each version of an article (newest first), the fields it changed, as a list."""
    snapshots = version_snapshots(versions, article_id)
    names = tag_names(snapshots)
    return [
        compare(older, newer, names) if older is not None else []
        for newer, older in zip(snapshots, [*snapshots[1:], None], strict=True)
    ]


def _label(field):
    return Article._meta.get_field(field).verbose_name.capitalize()


def change_words(message):
    """What an admin save did, in words, from the admin's change message (a list of
    {"added" | "changed" | "deleted": ...}): "Created", "Edited: headline, countries",
    "Correction added"."""
    if not isinstance(message, list):
        return str(message or "")
    words = []
    for entry in message:
        for action, done in (("added", "added"), ("changed", "edited"),
                             ("deleted", "removed")):
            if action not in entry:
                continue
            part = entry[action]
            if "object" in part:  # a correction or update note: "Correction: …"
                words.append(f"{str(part['object']).split(':')[0]} {done}")
            elif part.get("fields"):
                words.append("Edited: " + ", ".join(str(f).lower() for f in part["fields"]))
            elif action == "added":
                words.append("Created")
    return "\n".join(words)

