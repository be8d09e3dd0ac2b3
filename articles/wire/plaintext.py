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

import reversion
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.html import escape
from django.utils.text import slugify

from articles.editorial.services import apply_suggestions
from articles.models import DASHES, Article
from articles.platform.dates import publication_date_error
from articles.platform.text import strip_forbidden
from articles.tagging import suggest_tags

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
