"""Wire copy in the seed's plain-text format: a date line, then paragraphs.

Each file is imported whole or not at all: a bad file raises ImportFailed naming the
line where it applies, and nothing of it is stored. A wire text already imported (same
fingerprint of its normalised text) is skipped and says which article it became.
Invisible control characters are removed from the text, and the file's report says how
many (articles.platform.text). The headline is derived from the first sentence and
marked for an editor's review.
"""

import datetime
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.html import escape

from articles.caching.invalidation import invalidate
from articles.editorial.mentions import find_mentions
from articles.models import Article, free_slug, slug_base, slugs_in_use
from articles.platform.dates import publication_date_error
from articles.platform.text import strip_forbidden
from articles.tagging import find_references, get_vocabulary
from articles.wire.batches import NewArticle, store_articles
from articles.wire.headlines import derive_headline

PUBLISH_TIME = datetime.time(12, 0)
DATE_LINE_RE = re.compile(r"^[ \t]*date(?:[ \t]+(?P<date>\S+))?(?:[ \t]+(?P<text>.*))?$")
ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ImportFailed(Exception):
    """A file that cannot be imported; the message names the reason (and line)."""

    def __init__(self, message, line=None):
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)


@dataclass
class WireText:
    date: datetime.date
    paragraphs: list
    fingerprint: str

    @property
    def body(self):
        return "".join(f"<p>{escape(paragraph)}</p>" for paragraph in self.paragraphs)

    def headline(self, vocabulary=None):
        """The headline derived from the first paragraph (``wire.headlines``)."""
        return derive_headline(self.paragraphs[0], vocabulary=vocabulary)


@dataclass
class WireImport:
    article: Article
    created: bool  # False: the same text was imported before, as this article
    removed: int = 0  # control characters removed from the text


def decode_wire_bytes(raw, *, max_bytes=None):
    """The file's text, or ImportFailed for bytes that are not text (a NUL means binary)."""
    max_bytes = max_bytes or settings.NEWSROOM_IMPORT_MAX_BYTES
    if len(raw) > max_bytes:
        raise ImportFailed(
            f"file is {len(raw)} bytes, over the limit of {max_bytes} "
            "(NEWSROOM_IMPORT_MAX_BYTES)"
        )
    nul = raw.find(b"\x00")
    if nul != -1:
        raise ImportFailed("binary content (NUL byte)", raw[:nul].count(b"\n") + 1)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFailed(
            f"not UTF-8 text (invalid byte 0x{raw[error.start]:02x})",
            raw[: error.start].count(b"\n") + 1,
        ) from error
    return text


def parse_wire(text):
    """Split decoded wire text into its date and paragraphs, checking the date line."""
    lines = text.split("\n")
    first = next((number for number, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise ImportFailed("empty file (no text)")
    line_number = first + 1
    match = DATE_LINE_RE.match(lines[first])
    if not match:
        raise ImportFailed(
            f"first line must start with 'date YYYY-MM-DD', found {lines[first].strip()[:40]!r}",
            line_number,
        )
    raw_date = match.group("date")
    if not raw_date:
        raise ImportFailed("'date' is not followed by a date YYYY-MM-DD", line_number)
    if not ISO_DATE_RE.match(raw_date):
        raise ImportFailed(f"date {raw_date!r} is not in the format YYYY-MM-DD", line_number)
    try:
        date = datetime.date.fromisoformat(raw_date)
    except ValueError as error:
        raise ImportFailed(f"impossible date {raw_date}", line_number) from error
    out_of_range = publication_date_error(date)
    if out_of_range:
        raise ImportFailed(f"date {out_of_range}", line_number)
    rest = [match.group("text") or "", *lines[first + 1:]]
    paragraphs, current = [], []
    for line in rest:
        if line.strip():
            current.append(" ".join(line.split()))
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    if not paragraphs:
        raise ImportFailed("no article text after the date", line_number)
    normalised = unicodedata.normalize("NFC", raw_date + "\n" + "\n\n".join(paragraphs))
    fingerprint = hashlib.sha256(normalised.encode("utf-8")).hexdigest()
    return WireText(date=date, paragraphs=paragraphs, fingerprint=fingerprint)


def publication_time(date):
    """12:00 on the file's date in the newsroom's time zone."""
    return datetime.datetime.combine(date, PUBLISH_TIME, tzinfo=ZoneInfo(settings.TIME_ZONE))


@dataclass
class WireFile:
    """A wire file read and checked, not stored yet."""

    name: str
    wire: WireText
    removed: int  # control characters removed from the text


def read_wire_file(raw, *, name):
    """Decode, clean and parse a wire file's bytes; ImportFailed if it is not wire copy."""
    text, removed = strip_forbidden(decode_wire_bytes(raw))
    return WireFile(name=name, wire=parse_wire(text), removed=removed)


def import_wire_text(*, raw, name, publish=False, autotag=True, vocabulary=None, shift=None):
    """Create one article from a wire file's bytes, without control characters; atomic.

    Returns a WireImport; when the same text was imported before, its article is that
    earlier article. `shift` (a timedelta) moves the publication date, used only by the
    demo set-up.
    """
    [outcome] = import_wire_files([read_wire_file(raw, name=name)], publish=publish,
                                  autotag=autotag, vocabulary=vocabulary, shift=shift)
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def prepare_wire_files(files, *, publish=False, autotag=True, vocabulary=None, shift=None):
    """The articles a batch of WireFiles would become, tagged: for each file, a
    ``(head, NewArticle, control characters removed)`` or the exception that keeps it out.

    Reads neither the database nor the cache (``vocabulary`` must be given when
    ``autotag``), so an import prepares the next batch in a thread while it stores this
    one (``articles.wire.files``)."""
    prepared = []
    for wire_file in files:
        try:
            head = _headline(wire_file, shift, vocabulary)
            made, removed = _new_article(wire_file, head, publish=publish, autotag=autotag,
                                         vocabulary=vocabulary)
        except Exception as error:  # noqa: BLE001 - the file fails, not the batch
            prepared.append(error)
        else:
            prepared.append((head, made, removed))
    return prepared


def import_wire_files(files, *, publish=False, autotag=True, vocabulary=None, shift=None,
                      prepared=None):
    """Store a batch of WireFiles in one transaction, each whole or not at all.

    Returns, for each file in order, a WireImport or the exception that kept it out.
    ``prepared``: the batch's ``prepare_wire_files`` when the caller made it already.
    The batch is written with a few inserts (articles.wire.batches); if that fails (the
    same copy or headline stored meanwhile by another process), each file is stored on
    its own, under a savepoint, so one file's clash costs only that file. Readers'
    cached pages are invalidated once, for what the batch changed.
    """
    if prepared is None:
        if autotag and vocabulary is None:
            vocabulary = get_vocabulary()
        prepared = prepare_wire_files(files, publish=publish, autotag=autotag,
                                      vocabulary=vocabulary, shift=shift)
    known = Article.objects.in_bulk({f.wire.fingerprint for f in files},
                                    field_name="fingerprint")
    outcomes, first_with = [None] * len(files), {}
    for index, wire_file in enumerate(files):
        fingerprint = wire_file.wire.fingerprint
        if fingerprint in known:
            outcomes[index] = WireImport(known[fingerprint], created=False)
        elif fingerprint not in first_with:
            first_with[fingerprint] = index
            if isinstance(prepared[index], Exception):
                outcomes[index] = prepared[index]
    made = {index: prepared[index] for index in first_with.values()
            if outcomes[index] is None}
    # One query for the batch's slugs; a slug taken (here or earlier in the batch) is
    # numbered as free_slug() numbers it.
    in_use = slugs_in_use(head.slug for head, _, _ in made.values())
    new = {}
    for index, (head, new_article, removed) in made.items():
        if head.slug in in_use:
            head.slug = free_slug(head.headline, fallback=head.fallback, taken=in_use)
            new_article.article.slug = head.slug
        in_use.add(head.slug)
        new[index] = (new_article, removed)
    with transaction.atomic():
        keys = _store(files, new, outcomes)
        invalidate(keys)
    for index, wire_file in enumerate(files):
        first = outcomes[first_with.get(wire_file.wire.fingerprint, index)]
        if outcomes[index] is None:  # the same text twice in the batch: as the first went
            outcomes[index] = (WireImport(first.article, created=False)
                               if isinstance(first, WireImport) else first)
    return outcomes


def _store(files, new, outcomes):
    """Store the new articles, all at once or else one by one; the cache keys changed."""
    try:
        with transaction.atomic():
            keys = store_articles([new_article for new_article, _ in new.values()])
    except Exception:  # noqa: BLE001 - retried file by file below, where it is named
        keys = set()
        for index, (new_article, _) in new.items():
            try:
                with transaction.atomic():
                    keys |= store_articles([new_article])
            except IntegrityError as error:
                # Another process imported the same text meanwhile.
                existing = Article.objects.filter(
                    fingerprint=files[index].wire.fingerprint).first()
                outcomes[index] = WireImport(existing, created=False) if existing else error
            except Exception as error:  # noqa: BLE001 - this file fails, not the others
                outcomes[index] = error
            else:
                outcomes[index] = _created(files[index], *new[index])
        return keys
    for index, made in new.items():
        outcomes[index] = _created(files[index], *made)
    return keys


def _created(wire_file, new_article, removed_from_headline):
    return WireImport(new_article.article, created=True,
                      removed=wire_file.removed + removed_from_headline)


@dataclass
class _Head:
    """A wire file's derived headline and the address it would take."""

    date: datetime.date
    headline: str
    removed: int  # control characters removed from the headline
    fallback: str
    slug: str


def _headline(wire_file, shift, vocabulary):
    date = wire_file.wire.date + shift if shift else wire_file.wire.date
    headline, removed = strip_forbidden(wire_file.wire.headline(vocabulary), names=True)
    fallback = f"wire-{date.isoformat()}"
    return _Head(date, headline, removed, fallback, slug_base(headline, fallback=fallback))


def _new_article(wire_file, head, *, publish, autotag, vocabulary):
    """The article a wire file becomes, with the tags its text supports; and the
    control characters removed from its headline."""
    article = Article(
        headline=head.headline,
        slug=head.slug,
        body=wire_file.wire.body,
        status=Article.Status.PUBLISHED if publish else Article.Status.REVIEW,
        published_at=publication_time(head.date) if publish else None,
        headline_needs_review=True,
        fingerprint=wire_file.wire.fingerprint,
        source=settings.NEWSROOM_WIRE_SOURCE,
    )
    article.sanitise()
    made = NewArticle(article, comment=f"Imported from wire file {wire_file.name}",
                      sanitised=True)
    if autotag:
        # One pass of the tagger for both tiers (half the import's Python time was the
        # tagger, run once for subjects and again for mentions).
        references = find_references(article, vocabulary=vocabulary)
        made.tags = {taxonomy: [suggestion.tag_id for suggestion in items]
                     for taxonomy, items in references.subjects.items()}
        made.mentions = find_mentions(
            article, subjects={plural: set(ids) for plural, ids in made.tags.items()},
            vocabulary=vocabulary, references=references)
    return made, head.removed
