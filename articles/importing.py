"""Importing wire copy (plain-text files) and this project's own JSON Lines exports.

Each file is imported whole or not at all: a bad file raises ImportFailed naming the
line where it applies, and nothing of it is stored. A wire text already imported (same
fingerprint of its normalised text) is skipped and says which article it became.
"""

import datetime
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import reversion
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.dateparse import parse_datetime
from django.utils.html import escape
from django.utils.text import slugify

from articles.models import DASHES, Article, Correction, Country, Minister, Policy
from articles.tagging import apply_suggestions, suggest_tags

HEADLINE_MAX = 110
SLUG_MAX = Article._meta.get_field("slug").max_length
PUBLISH_TIME = datetime.time(12, 0)
DATE_LINE_RE = re.compile(r"^[ \t]*date(?:[ \t]+(?P<date>\S+))?(?:[ \t]+(?P<text>.*))?$")
ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Control characters other than tab, newline, carriage return and form feed mean the
# file is binary, not wire text.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
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
class FileResult:
    path: Path
    outcome: str  # imported, skipped, failed
    message: str
    imported: int = 0
    skipped: int = 0
    articles: list = field(default_factory=list)


def decode_wire_bytes(raw, *, max_bytes=None):
    """The file's text with line ends normalised, or ImportFailed for non-text bytes."""
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
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    control = CONTROL_RE.search(text)
    if control:
        raise ImportFailed(
            f"binary content (control character U+{ord(control.group()):04X})",
            text[: control.start()].count("\n") + 1,
        )
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
    """Create one article from a wire file's bytes; atomic.

    Returns (article, created). created is False when the same text was imported before;
    then article is that earlier article. `shift` (a timedelta) moves the publication
    date, used only by the demo set-up.
    """
    wire = parse_wire(decode_wire_bytes(raw))
    existing = Article.objects.filter(fingerprint=wire.fingerprint).first()
    if existing:
        return existing, False
    date = wire.date + shift if shift else wire.date
    headline = wire.headline
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
        return existing, False
    return article, True


def import_export_lines(*, lines, name):
    """Recreate articles from this project's JSON Lines export; the whole file or nothing.

    Returns (created articles, skipped count). An article whose slug already exists is
    skipped, so importing the same export twice creates nothing the second time.
    """
    created, skipped = [], 0
    with transaction.atomic():
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ImportFailed(f"invalid JSON: {error.msg}", number) from error
            try:
                # A revision per article: each article's history is its own.
                with reversion.create_revision():
                    reversion.set_comment(f"Imported from export file {name}, line {number}")
                    article = _article_from_record(record)
            except (KeyError, TypeError, ValueError) as error:
                raise ImportFailed(f"invalid article record: {error}", number) from error
            if article is None:
                skipped += 1
            else:
                created.append(article)
    return created, skipped


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
        published_at = parse_datetime(record["published_at"])
        if published_at is None:
            raise ValueError(f"bad published_at {record['published_at']!r}")
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
        created_at = parse_datetime(correction["created_at"])
        if created_at is None:
            raise ValueError(f"bad correction created_at {correction['created_at']!r}")
        Correction.objects.create(
            article=article,
            kind=correction.get("kind") or Correction.Kind.CORRECTION,
            note=correction["note"],
            created_at=created_at,
        )
    return article


def _tag_named(model, name):
    """The minister or policy with this name (or slug), created when missing."""
    tag = model.objects.filter(name=name).first() or model.objects.filter(
        slug=slugify(name)
    ).first()
    return tag or model.objects.create(name=name)


def wire_files(paths):
    """The files to import: files as given, folders searched for *.txt and *.jsonl."""
    for path in map(Path, paths):
        if path.is_dir():
            # Hidden files (".DS_Store", "._story.txt" from macOS) are not wire copy.
            found = [
                p for p in path.rglob("*")
                if p.suffix.lower() in (".txt", ".jsonl")
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
                and p.is_file()
            ]
            yield from sorted(found)
        else:
            yield path


def import_file(path, *, publish=False, autotag=True, vocabulary=None, shift=None):
    """Import one file (wire text or JSON Lines export) and say what happened."""
    path = Path(path)
    try:
        if not path.is_file():
            raise ImportFailed("no such file")
        size = path.stat().st_size
        if size > settings.NEWSROOM_IMPORT_MAX_BYTES and path.suffix.lower() != ".jsonl":
            raise ImportFailed(
                f"file is {size} bytes, over the limit of "
                f"{settings.NEWSROOM_IMPORT_MAX_BYTES} (NEWSROOM_IMPORT_MAX_BYTES)"
            )
        if path.suffix.lower() == ".jsonl":
            with path.open(encoding="utf-8-sig") as handle:
                created, skipped = import_export_lines(lines=handle, name=path.name)
            return FileResult(
                path, "imported", f"imported {len(created)}, skipped {skipped} (export)",
                imported=len(created), skipped=skipped, articles=created,
            )
        article, created = import_wire_text(
            raw=path.read_bytes(), name=path.name, publish=publish, autotag=autotag,
            vocabulary=vocabulary, shift=shift,
        )
    except ImportFailed as error:
        return FileResult(path, "failed", str(error))
    except UnicodeDecodeError as error:
        return FileResult(path, "failed", f"not UTF-8 text: {error.reason}")
    except OSError as error:
        return FileResult(path, "failed", f"cannot read: {error.strerror}")
    except Exception as error:  # noqa: BLE001 - one broken file must not stop 10,000
        return FileResult(path, "failed", f"not stored ({type(error).__name__}: {error})")
    if not created:
        return FileResult(
            path, "skipped", f"skipped (already imported as #{article.pk})", skipped=1
        )
    state = article.display_status.lower()
    return FileResult(
        path, "imported", f"imported as #{article.pk} ({state}): {article.headline}",
        imported=1, articles=[article],
    )
