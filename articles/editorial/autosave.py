"""Nothing ever lost: each user's autosaved copy of an open article form, who else has an
article open, and what another person's save changed when yours was refused as stale.

A copy is the form's fields as the browser would post them, kept for its user only; it
never writes the article (nor, so, any cached page): only saving the form does, and a
successful save deletes the copy. Copies older than ``COPY_KEPT_FOR`` are never offered
and are deleted as new copies are written.
"""

import json
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from reversion.models import Version

from articles.editorial import history
from articles.models import TAXONOMIES, Article, AutosavedCopy, EditorPresence
from articles.platform.text import row_id

# The form's own bookkeeping, which a copy must not carry back: the version it was
# opened at is kept apart, and a restored copy never presses a button.
NOT_COPIED = frozenset({"csrfmiddlewaretoken", "version", "workflow"})
MAX_FIELD_NAMES = 1000
MAX_NAME_LENGTH = 100
# How far back the history is searched for the version a stale form was opened at.
VERSIONS_SEARCHED = 200


class CopyRefused(Exception):
    """The copy cannot be stored as sent; the message says why, for the person."""


def parse_fields(text):
    """The form state the browser sent (JSON: {name: [value, ...]}), checked."""
    try:
        fields = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: "[[[[…" nested past the stack
        fields = None
    return checked_fields(fields)


def fields_of_post(data):
    """A posted form (a QueryDict) as a copy's fields, checked."""
    return checked_fields({name: data.getlist(name) for name in data})


def checked_fields(fields):
    """The fields a copy keeps, or CopyRefused.

    Refused: more than the import's size limit, anything but {name: [text, ...]}, and
    text the database cannot store (NUL, lone surrogates). Other control characters are
    kept: the form's save names them and where they are.
    """
    if not isinstance(fields, dict) or len(fields) > MAX_FIELD_NAMES:
        raise CopyRefused("The autosave did not carry a form's fields.")
    size = 0
    cleaned = {}
    for name, values in fields.items():
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise CopyRefused("The autosave did not carry a form's fields.")
        if len(name) > MAX_NAME_LENGTH or not _storable(name, *values):
            raise CopyRefused("The form holds a character that cannot be stored (a NUL or "
                              "a broken character); it was not autosaved. Retype or delete "
                              "the pasted text.")
        size += sum(len(v.encode("utf-8")) for v in [name, *values])
        if name not in NOT_COPIED and not name.startswith("_"):  # "_save": a button
            cleaned[name] = values
    limit = settings.NEWSROOM_IMPORT_MAX_BYTES
    if size > limit:
        raise CopyRefused(f"The form is larger than the autosave limit of {limit} bytes; "
                          "it was not autosaved. Save it to keep it.")
    return cleaned


def _storable(*texts):
    for text in texts:
        if "\x00" in text:
            return False
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return False
    return True


def store_copy(*, user, article, fields, opened_version=None):
    """Keep ``fields`` as the user's copy of the article's form (``article`` None: the
    new-article form), replacing their previous one; expired copies go meanwhile."""
    now = timezone.now()

    def write():
        AutosavedCopy.objects.expired().delete()
        return AutosavedCopy.objects.update_or_create(
            user=user, article=article,
            defaults={"fields": fields, "opened_version": opened_version, "saved_at": now},
        )[0]

    return _once_more_if_crossed(write)


def _once_more_if_crossed(write):
    """Run ``write`` in a transaction; if a request from the same form (its timed save and
    its page-hide save, a heartbeat and a page view) made the row a moment before, the
    unique constraint refuses the second insert: run it again, now updating that row."""
    try:
        with transaction.atomic():
            return write()
    except IntegrityError:
        with transaction.atomic():
            return write()


def discard_copy(*, user, article):
    """The user's copy of the article's form is no longer wanted (saved, or discarded)."""
    AutosavedCopy.objects.of(user, article.pk if article else None).delete()


def copy_for(user, article):
    """The user's copy of the form to offer back, or None."""
    return AutosavedCopy.objects.current().of(user, article.pk if article else None).first()


def tag_labels(copy):
    """{taxonomy plural: {id: name}} of the tags a copy's fields name, so a picker that
    lists only its chosen entries can show a restored one."""
    labels = {}
    for taxonomy in TAXONOMIES.values():
        ids = [row_id(v) for v in copy.fields.get(taxonomy.plural, [])]
        ids = [pk for pk in ids if pk is not None]
        labels[taxonomy.plural] = {
            str(pk): name
            for pk, name in taxonomy.model.objects.filter(pk__in=ids).values_list("pk", "name")
        }
    return labels


def clock(moment):
    """A time as the form mentions it: "10:42" today, "29 Nov 10:42" another day."""
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return date_format(local, "H:i")
    return date_format(local, "j M H:i")


# --- who else has it open -------------------------------------------------------------

@dataclass(frozen=True)
class Presence:
    name: str
    since: str  # clock()


def note_presence(*, user, article):
    """The user has the article's form open now (a page view or a heartbeat).

    A form not heard from for PRESENCE_LAPSES_AFTER is taken as closed: its row goes,
    and opening the article again starts a new "since"."""
    now = timezone.now()

    def write():
        EditorPresence.objects.lapsed().delete()
        presence, created = EditorPresence.objects.get_or_create(
            article=article, user=user, defaults={"opened_at": now, "seen_at": now})
        if not created:
            presence.seen_at = now
            presence.save(update_fields=["seen_at"])

    _once_more_if_crossed(write)


def leave(*, user, article):
    """The user closed the article's form."""
    EditorPresence.objects.filter(article=article, user=user).delete()


def others_present(user, article):
    """Who else has the article open, longest first."""
    presences = (EditorPresence.objects.open_now().filter(article=article)
                 .exclude(user=user).select_related("user").order_by("opened_at"))
    return [Presence(p.user.get_full_name() or p.user.get_username(), clock(p.opened_at))
            for p in presences]


def presence_text(presences):
    """"Asha Rao has had it open since 10:40." for the form's warning."""
    return " ".join(f"{p.name} has had this article open since {p.since}."
                    for p in presences)


# --- a refused stale save ---------------------------------------------------------------

def changes_since(article, opened_version):
    """[(label, change)] of what was saved after the form was opened at
    ``opened_version``: the article now against that version, or None if the history no
    longer holds it."""
    versions = Version.objects.get_for_object_reference(Article, article.pk).order_by("-pk")
    opened = next((v for v in versions[:VERSIONS_SEARCHED]
                   if v.field_dict.get("version") == opened_version), None)
    if opened is None:
        return None
    before = history.version_snapshots([opened], article.pk)[0]
    now = history.current_snapshot(article)
    return history.compare(before, now, history.tag_names([before, now]))


def publication(article):
    """(who, when) the story was last published, from its history: who None when no
    revision records it (an import); None if it is not a published story."""
    if article.status != Article.Status.PUBLISHED or article.published_at is None:
        return None
    published = (
        Version.objects.get_for_object(article).select_related("revision__user")
        .filter(revision__comment__regex=r"(^|\n)Published($|\n)").order_by("-pk").first()
    )
    if published is None:
        return None, article.published_at
    user = published.revision.user
    return (user and (user.get_full_name() or user.get_username())), article.published_at

