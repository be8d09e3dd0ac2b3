"""Importing wire copy (plain-text files) and this project's own JSON Lines exports.

Each file is imported whole or not at all: a bad file raises ImportFailed naming the
line where it applies, and nothing of it is stored. A wire text already imported (same
fingerprint of its normalised text) is skipped and says which article it became.
Invisible control characters are removed from the text, and the file's report says how
many (articles.platform.text); a symbolic link is never followed.
"""

import datetime
import errno
import hashlib
import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.dateparse import parse_datetime
from django.utils.html import escape
from django.utils.text import slugify

from articles.models import DASHES, Article, Correction, Country, Minister, Policy
from articles.platform.dates import publication_date_error
from articles.platform.text import removed_note, strip_forbidden, strip_forbidden_data
from articles.tagging import apply_suggestions, suggest_tags

HEADLINE_MAX = 110
SLUG_MAX = Article._meta.get_field("slug").max_length
PUBLISH_TIME = datetime.time(12, 0)
DATE_LINE_RE = re.compile(r"^[ \t]*date(?:[ \t]+(?P<date>\S+))?(?:[ \t]+(?P<text>.*))?$")
ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SENTENCE_END_RE = re.compile(r"[.!?][\"”’')\]]*(?=\s+[\"“‘'(\[]?[A-Z0-9])")
# Words after which a full stop does not end the sentence.
ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "st", "sr", "jr", "gen", "lt", "col", "sgt", "capt", "cmdr",
    "adm", "maj", "prof", "rev", "hon", "sen", "rep", "gov", "pres", "amb", "no", "nos",
    "vs", "etc", "inc", "ltd", "co", "corp", "dept", "est", "approx", "fig", "vol", "art",
    "jan", "feb", "mar", "apr", "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ft",
})


DANGLING_WORDS = frozenset({
    "a", "an", "the", "and", "or", "but", "of", "on", "in", "at", "to", "for", "with", "by",
    "from", "as", "that", "his", "her", "its", "their", "who", "which", "is", "was", "has",
})
SLUG_WORDS_MAX = 80


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

    @property
    def headline(self):
        return derive_headline(self.paragraphs[0])


@dataclass
class WireImport:
    article: Article
    created: bool  # False: the same text was imported before, as this article
    removed: int = 0  # control characters removed from the text


@dataclass
class ExportImport:
    created: list
    skipped: int = 0
    removed: dict = field(default_factory=dict)  # line number: control characters removed


@dataclass
class FileResult:
    path: Path
    outcome: str  # imported, skipped, failed
    message: str
    imported: int = 0
    skipped: int = 0
    articles: list = field(default_factory=list)


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


def first_sentence(paragraph):
    """The paragraph's first sentence, whole; initials and titles do not end it."""
    for match in SENTENCE_END_RE.finditer(paragraph):
        word = paragraph[: match.start()].rsplit(None, 1)[-1] if match.start() else ""
        word = word.lstrip("\"“‘'([")
        bare = word.replace(".", "")
        # "S." and "U.S." are initials; "Mr." is a title: the sentence goes on.
        if len(bare) <= 1 or (len(bare) <= 3 and "." in word) or bare.lower() in ABBREVIATIONS:
            continue
        return paragraph[: match.start() + 1].strip()
    return paragraph.strip()


def derive_headline(paragraph):
    """The first sentence, cut at a word boundary to at most 110 characters."""
    sentence = first_sentence(paragraph)
    if sentence.endswith(".") and not sentence.endswith(".."):
        sentence = sentence[:-1]
    if len(sentence) <= HEADLINE_MAX:
        return sentence
    cut = sentence[: HEADLINE_MAX].rsplit(" ", 1)[0] if " " in sentence[:HEADLINE_MAX] else ""
    cut = (cut or sentence[: HEADLINE_MAX - 1]).rstrip(" ,;:–—-")
    words = cut.split(" ")
    # A cut headline should not end on "on", "the" or "and".
    while len(words) > 3 and words[-1].lower() in DANGLING_WORDS:
        words.pop()
    return " ".join(words).rstrip(" ,;:–—-")


def unique_slug(text, *, fallback):
    """slugify(text), with -2, -3... added when another article has it."""
    base = slugify(DASHES.sub(" ", text))
    if len(base) > SLUG_WORDS_MAX:
        base = base[: SLUG_WORDS_MAX + 1].rsplit("-", 1)[0]
    base = base[: SLUG_MAX - 8].strip("-") or fallback
    slug, number = base, 1
    while Article.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def publication_time(date):
    """12:00 on the file's date in the newsroom's time zone."""
    return datetime.datetime.combine(date, PUBLISH_TIME, tzinfo=ZoneInfo(settings.TIME_ZONE))


def import_wire_text(*, raw, name, publish=False, autotag=True, vocabulary=None, shift=None):
    """Create one article from a wire file's bytes, without control characters; atomic.

    Returns a WireImport; when the same text was imported before, its article is that
    earlier article. `shift` (a timedelta) moves the publication date, used only by the
    demo set-up.
    """
    text, removed = strip_forbidden(decode_wire_bytes(raw))
    wire = parse_wire(text)
    existing = Article.objects.filter(fingerprint=wire.fingerprint).first()
    if existing:
        return WireImport(existing, created=False)
    date = wire.date + shift if shift else wire.date
    headline, removed_from_headline = strip_forbidden(wire.headline, names=True)
    removed += removed_from_headline
    try:
        with transaction.atomic(), reversion.create_revision():
            reversion.set_comment(f"Imported from wire file {name}")
            article = Article(
                headline=headline,
                slug=unique_slug(headline, fallback=f"wire-{date.isoformat()}"),
                body=wire.body,
                status=Article.Status.PUBLISHED if publish else Article.Status.REVIEW,
                published_at=publication_time(date) if publish else None,
                headline_needs_review=True,
                fingerprint=wire.fingerprint,
            )
            article.save()
            if autotag:
                apply_suggestions(
                    article=article, suggestions=suggest_tags(article, vocabulary=vocabulary)
                )
    except IntegrityError:
        # Another process imported the same text meanwhile.
        existing = Article.objects.filter(fingerprint=wire.fingerprint).first()
        if existing is None:
            raise
        return WireImport(existing, created=False)
    return WireImport(article, created=True, removed=removed)


def export_file_lines(handle, *, max_bytes=None):
    """The decoded lines of an export file opened in binary, each read with a bound:
    one line is one article, held to the wire files' size limit, so a giant line is
    refused (ImportFailed with its number) without ever being held in memory."""
    max_bytes = max_bytes or settings.NEWSROOM_IMPORT_MAX_BYTES
    number = 0
    while raw := handle.readline(max_bytes + 1):
        number += 1
        if len(raw) > max_bytes and not raw.endswith(b"\n"):
            raise ImportFailed(
                f"line is over the limit of {max_bytes} bytes (NEWSROOM_IMPORT_MAX_BYTES)",
                number,
            )
        try:
            yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as error:
            raise ImportFailed(
                f"not UTF-8 text (invalid byte 0x{raw[error.start]:02x})", number
            ) from error


def import_export_lines(*, lines, name):
    """Recreate articles from this project's JSON Lines export; the whole file or nothing.

    Returns an ExportImport. An article whose slug already exists is skipped, so
    importing the same export twice creates nothing the second time.
    """
    result = ExportImport(created=[])
    with transaction.atomic():
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ImportFailed(f"invalid JSON: {error.msg}", number) from error
            record, removed = strip_forbidden_data(record, name_keys=NAME_FIELDS)
            if removed:
                result.removed[number] = removed
            try:
                # A revision per article: each article's history is its own.
                with reversion.create_revision():
                    reversion.set_comment(f"Imported from export file {name}, line {number}")
                    article = _article_from_record(record)
            except ValidationError as error:
                problems = "; ".join(
                    f"{name}: {message}" for name, messages in error.message_dict.items()
                    for message in messages
                ) if hasattr(error, "error_dict") else "; ".join(error.messages)
                raise ImportFailed(f"invalid article record: {problems}", number) from error
            except (KeyError, TypeError, ValueError) as error:
                raise ImportFailed(f"invalid article record: {error}", number) from error
            if article is None:
                result.skipped += 1
            else:
                result.created.append(article)
    return result


# Fields of an export line that hold a headline or names: direction controls go too.
NAME_FIELDS = frozenset({"headline", "dateline", "authors", "ministers", "policies"})


def _checked_time(value, field_name):
    moment = parse_datetime(value)
    if moment is None:
        raise ValueError(f"bad {field_name} {value!r}")
    error = publication_date_error(moment)
    if error:
        raise ValueError(f"{field_name} {error}")
    return moment


def _article_from_record(record):
    if not isinstance(record, dict):
        raise ValueError("not a JSON object")
    slug = record["slug"]
    if Article.objects.filter(slug=slug).exists():
        return None
    status = record.get("status") or Article.Status.DRAFT
    if status not in Article.Status.values:
        raise ValueError(f"unknown status {status!r}")
    published_at = None
    if record.get("published_at"):
        published_at = _checked_time(record["published_at"], "published_at")
    countries = list(Country.objects.filter(code__in=record.get("countries") or []))
    missing = set(record.get("countries") or []) - {c.code for c in countries}
    if missing:
        raise ValueError(f"unknown country codes {sorted(missing)}")
    article = Article(
        headline=record["headline"],
        slug=slug,
        status=status,
        published_at=published_at,
        dateline=record.get("dateline") or "",
        standfirst=record.get("standfirst") or "",
        body=record.get("body") or "",
        bylines=", ".join(record.get("authors") or []),
        headline_needs_review=bool(record.get("headline_needs_review")),
        fingerprint=record.get("fingerprint") or None,
    )
    if article.fingerprint and Article.objects.filter(fingerprint=article.fingerprint).exists():
        return None  # the same wire copy is already here under another slug
    article.full_clean(exclude=["fingerprint", "image"], validate_unique=False)
    article.save()
    article.countries.set(countries)
    article.ministers.set([_tag_named(Minister, name) for name in record.get("ministers") or []])
    article.policies.set([_tag_named(Policy, name) for name in record.get("policies") or []])
    for correction in record.get("corrections") or []:
        created_at = _checked_time(correction["created_at"], "correction created_at")
        Correction.objects.create(
            article=article,
            kind=correction.get("kind") or Correction.Kind.CORRECTION,
            note=correction["note"],
            created_at=created_at,
        )
    return article


def _tag_named(model, name):
    """The minister or policy with this name (or slug), created (and first validated, so
    an empty or overlong name fails the line) when missing."""
    name = " ".join(str(name).split())
    tag = model.objects.filter(name=name).first() or model.objects.filter(
        slug=slugify(name)
    ).first()
    if tag is None:
        tag = model(name=name)
        try:
            tag.full_clean(exclude=["slug"], validate_unique=False)
        except ValidationError as error:
            raise ValueError(f"{model._meta.verbose_name} {name[:40]!r}: "
                             f"{' '.join(error.messages)}") from error
        tag.save()
    return tag


def wire_files(paths):
    """The files to import: files as given, folders searched for *.txt and *.jsonl.

    Symbolic links are listed, not followed (a folder reached through one is not
    searched), so that import_file names each one.
    """
    for path in map(Path, paths):
        if path.is_dir() and not path.is_symlink():
            # Hidden files (".DS_Store", "._story.txt" from macOS) are not wire copy.
            found = [
                p for p in path.rglob("*")
                if p.suffix.lower() in (".txt", ".jsonl")
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
                and (p.is_symlink() or p.is_file())
            ]
            yield from sorted(found)
        else:
            yield path


NOT_FOLLOWED = "is a symbolic link; not followed"


def _open_file(path):
    """The file opened for reading in binary; a symbolic link is refused, not followed,
    even one put in the file's place after it was listed."""
    if path.is_symlink():
        raise ImportFailed(NOT_FOLLOWED)
    if not path.is_file():
        raise ImportFailed("no such file")
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise ImportFailed(NOT_FOLLOWED) from error
        raise
    return os.fdopen(descriptor, "rb")


def _lines_note(removed):
    """Where an export's control characters were removed, for the file's report."""
    if not removed:
        return ""
    numbers = sorted(removed)
    lines = ", ".join(map(str, numbers[:5])) + (" …" if len(numbers) > 5 else "")
    return (f"; {removed_note(sum(removed.values()))} on "
            f"line{'s' if len(numbers) != 1 else ''} {lines}")


def import_file(path, *, publish=False, autotag=True, vocabulary=None, shift=None):
    """Import one file (wire text or JSON Lines export) and say what happened."""
    path = Path(path)
    max_bytes = settings.NEWSROOM_IMPORT_MAX_BYTES
    try:
        with _open_file(path) as handle:
            if path.suffix.lower() == ".jsonl":
                lines = export_file_lines(handle, max_bytes=max_bytes)
                result = import_export_lines(lines=lines, name=path.name)
                imported = len(result.created)
                return FileResult(
                    path, "imported",
                    f"imported {imported}, skipped {result.skipped} "
                    f"(export{_lines_note(result.removed)})",
                    imported=imported, skipped=result.skipped, articles=result.created,
                )
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:
                raise ImportFailed(
                    f"file is {size} bytes, over the limit of {max_bytes} "
                    "(NEWSROOM_IMPORT_MAX_BYTES)"
                )
            wire = import_wire_text(
                raw=handle.read(max_bytes + 1), name=path.name, publish=publish,
                autotag=autotag, vocabulary=vocabulary, shift=shift,
            )
    except ImportFailed as error:
        return FileResult(path, "failed", str(error))
    except OSError as error:
        return FileResult(path, "failed", f"cannot read: {error.strerror}")
    except Exception as error:  # noqa: BLE001 - one broken file must not stop 10,000
        return FileResult(path, "failed", f"not stored ({type(error).__name__}: {error})")
    article = wire.article
    if not wire.created:
        return FileResult(
            path, "skipped", f"skipped (already imported as #{article.pk})", skipped=1
        )
    state = ", ".join(filter(None, [article.display_status.lower(), removed_note(wire.removed)]))
    return FileResult(
        path, "imported", f"imported as #{article.pk} ({state}): {article.headline}",
        imported=1, articles=[article],
    )
