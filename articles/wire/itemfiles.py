"""Files of agency items (ninjs JSON, NewsML-G2 XML): read by their content, their items
stored all or none (``wire/lifecycle``), and a line saying what each item did."""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from articles.platform.text import removed_note
from articles.wire import lifecycle
from articles.wire.items import sniff_format
from articles.wire.newsml import read_newsml
from articles.wire.ninjs import read_ninjs
from articles.wire.plaintext import ImportFailed, decode_wire_bytes

READERS = {"ninjs": read_ninjs, "newsml": read_newsml}


@dataclass
class WireItemsFile:
    """A file of agency items, read and checked, not stored yet."""

    path: Path
    items: list


@dataclass
class ItemsImport:
    counts: Counter
    message: str
    created: list = field(default_factory=list)


def read_items_file(raw, *, path, pictures=None):
    """Decode and parse a ninjs or NewsML-G2 file; ImportFailed if it is neither. Its
    pictures are looked for in ``pictures``, by default the file's own folder."""
    text = decode_wire_bytes(raw)
    path = Path(path)
    return WireItemsFile(path, _read(READERS[sniff_format(raw)], text, pictures or path.parent))


def read_items(raw):
    """The items of a pushed body, ninjs or NewsML-G2; ImportFailed if it is neither.
    A push has no folder: its pictures are recorded as missing, never read."""
    kind = sniff_format(raw)
    if kind not in READERS:
        raise ImportFailed("the body is neither IPTC ninjs (JSON) nor NewsML-G2 (XML)")
    return _read(READERS[kind], decode_wire_bytes(raw), None)


def _read(reader, text, folder):
    try:
        return reader(text, folder=folder)
    except RecursionError as error:
        raise ImportFailed("the document is nested too deeply to read") from error


def import_items_file(read, *, publish=False, autotag=True, vocabulary=None):
    """Store the file's items, all or none; what each did, counted and said."""
    outcomes = lifecycle.store_items(read.items, publish=publish, autotag=autotag,
                                     vocabulary=vocabulary, name=read.path.name)
    counts = Counter({kind: 0 for kind in ("imported", "updated", "withdrawn", "skipped")})
    for outcome in outcomes:
        counts["updated" if outcome.kind == lifecycle.PROPOSED else outcome.kind] += 1
    removed = sum(outcome.removed for outcome in outcomes)
    messages = [outcome.message for outcome in outcomes]
    if removed:
        messages.append(removed_note(removed))
    return ItemsImport(counts, "; ".join(messages),
                       [o.article for o in outcomes if o.kind == lifecycle.IMPORTED])
