"""The neutral wire item: what an agency's ninjs or NewsML-G2 item says, read and checked,
before anything is stored (``wire/lifecycle`` stores it), and the format a file's bytes
are in, read from the content, never from the file's name."""

import datetime
import re
from dataclasses import dataclass, field

from django.utils.dateparse import parse_datetime

from articles.platform.dates import publication_date_error
from articles.wire.plaintext import ImportFailed

USABLE, WITHHELD, CANCELED = "usable", "withheld", "canceled"
# Subject identifiers as agencies write them, and the short codes the vocabulary keeps.
CODE_PREFIXES = (
    ("http://cv.iptc.org/newscodes/mediatopic/", "medtop:"),
    ("https://cv.iptc.org/newscodes/mediatopic/", "medtop:"),
    ("http://www.wikidata.org/entity/", "wikidata:"),
    ("https://www.wikidata.org/entity/", "wikidata:"),
    ("http://cvx.iptc.org/iso3166-1a2/", "iso3166-1a2:"),
)
CODE_RE = re.compile(r"^[a-z][a-z0-9-]*:\S+$", re.IGNORECASE)


@dataclass
class WirePicture:
    """A picture delivered with a text item: a local file beside the item, or missing."""

    uri: str
    path: object = None  # pathlib.Path of the file beside the item, or None
    missing: str = ""  # why there is no file (a remote address is never fetched)
    caption: str = ""
    alt_text: str = ""
    credit: str = ""
    usage_terms: str = ""
    usage_ends: datetime.date | None = None


@dataclass
class WireItem:
    """One agency item: its identity and version, its copy, its status and embargo."""

    uri: str
    version: int
    headline: str
    body: str  # HTML, sanitised again when stored
    standfirst: str = ""
    dateline: str = ""
    bylines: list = field(default_factory=list)
    source: str = ""  # the agency
    pubstatus: str = USABLE
    embargo_until: datetime.datetime | None = None
    created_at: datetime.datetime | None = None  # the item's first or version time
    codes: list = field(default_factory=list)  # subjects' codes: medtop:…, wikidata:…
    pictures: list = field(default_factory=list)
    format: str = ""  # ninjs, NewsML-G2

    @property
    def killed(self):
        return self.pubstatus in (WITHHELD, CANCELED)


def sniff_format(raw):
    """"ninjs", "newsml", "jsonl" or "text": what a file's bytes are, by their content."""
    head = raw[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return "newsml"
    if head.startswith(b"["):
        return "ninjs"
    if head.startswith(b"{"):
        # One JSON object per line is an export; one object over many lines, or one
        # object holding a "uri" and no export "slug", is ninjs.
        first = head.split(b"\n", 1)[0]
        if b'"slug"' in first and b'"headline"' in first:
            return "jsonl"
        return "ninjs"
    return "text"


def code_of(identifier):
    """The short code of a subject's URI or qcode, or "" if it is neither."""
    identifier = (identifier or "").strip()
    for prefix, short in CODE_PREFIXES:
        if identifier.startswith(prefix):
            return short + identifier[len(prefix):].rstrip("/")
    return identifier if CODE_RE.match(identifier) else ""


def wire_time(value, what, line=None):
    """An agency's ISO 8601 time, with an offset; ImportFailed naming it otherwise."""
    if value in (None, ""):
        return None
    moment = parse_datetime(str(value).strip()) if isinstance(value, str) else None
    if moment is None or moment.tzinfo is None:
        raise ImportFailed(f"{what} {str(value)[:40]!r} is not a date and time with an "
                           "offset (ISO 8601)", line)
    error = publication_date_error(moment)
    if error:
        raise ImportFailed(f"{what} {error}", line)
    return moment


def wire_version(value, line=None):
    """The item's version: a whole number from 1 (absent: 1)."""
    if value in (None, ""):
        return 1
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) < 2**31:
        raise ImportFailed(f"version {text[:20]!r} is not a whole number from 1", line)
    return int(text)
