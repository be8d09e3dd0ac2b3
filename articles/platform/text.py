"""Characters that have no place in the newsroom's text: one rule, for every way in and out.

Forbidden everywhere: the C0 control characters but tab and newline (a carriage return
is a line end, normalised to a newline before the check), DEL and the C1 controls, the
Unicode noncharacters (U+FDD0–U+FDEF and the last two code points of every plane) and
lone surrogates. None of them is visible; XML cannot carry most of them (one in a
headline made every feed fail), and databases refuse some (NUL, surrogates).

Forbidden in headlines and names too: the bidirectional embedding, override and isolate
controls, which can make a name display in a misleading order. Right-to-left letters
(Arabic, Hebrew) need none of them and are welcome.

Forms refuse such text with ``PlainTextValidator``, naming the character and where it is;
imports remove it with ``strip_forbidden`` and report how many they removed; pages, feeds
and sitemaps write stored text through ``output_text``, so a row that got in before this
rule (or by hand) can never break a response.

``html_to_text`` is the one way stored HTML (an article's body) becomes plain text.
"""

import html
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    chr(plane * 0x10000 + 0xFFFE) + chr(plane * 0x10000 + 0xFFFF) for plane in range(17)
)
CONTROLS = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARACTERS}]")
DIRECTION_CONTROLS = "\u202a-\u202e\u2066-\u2069"
CONTROLS_IN_NAMES = re.compile(
    f"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARACTERS}{DIRECTION_CONTROLS}]"
)
# A few ranges that hold every forbidden character, for a first look: a long list of
# single characters makes a scan ten times slower (1.2 ms against 0.12 ms over an
# 8.7 KB story), and most text has none of these.
_MAYBE_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\U0010ffff]")
_MAYBE_FORBIDDEN_IN_NAMES = re.compile(
    f"[\x00-\x08\x0b-\x1f\x7f-\x9f{DIRECTION_CONTROLS}\ud800-\U0010ffff]")
# Controls that stand between words (vertical tab, form feed, the information
# separators, next line): removed, they would join the words, so they become a space.
_SEPARATORS = frozenset("\x0b\x0c\x1c\x1d\x1e\x1f\x85")
_LINE_ENDS = re.compile(r"\r\n?")
# The end of a block of text (paragraph, list item, heading, quotation) or a line break.
_BLOCK_ENDS = re.compile(r"</(?:p|li|h\d|blockquote|div)>|<br\s*/?>", re.IGNORECASE)
# Any tag of sanitised HTML, which escapes every ">" that is not one's end.
_TAGS = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Forbidden:
    """A forbidden character and its position in the text (1 for the first)."""

    char: str
    position: int
    before: str = ""  # the words just before it, as a reader sees them (markup left out)

    @property
    def code(self):
        return f"U+{ord(self.char):04X}"

    @property
    def is_direction_control(self):
        return re.match(f"[{DIRECTION_CONTROLS}]", self.char) is not None

    @property
    def where(self):
        after = f", just after “{self.before}”" if self.before else ", at the start"
        return f"at position {self.position}{after}"

    def describe(self):
        if self.is_direction_control:
            return (
                f"contains an invisible text-direction control ({self.code} "
                f"{unicodedata.name(self.char)}) {self.where}, which can "
                "make it display in a misleading order; retype the text without it "
                "(right-to-left letters need no such control)"
            )
        return (
            f"contains an invisible control character ({self.code}) {self.where}; "
            "retype the text there"
        )


def normalise_line_ends(text):
    """CRLF and CR (as browsers and old files send them) become a newline."""
    return _LINE_ENDS.sub("\n", text)


def _pattern(names):
    return CONTROLS_IN_NAMES if names else CONTROLS


def _has_none(text, names):
    """True if ``text`` holds none of the ranges forbidden characters are in: the quick
    first look, before the full rule."""
    return (_MAYBE_FORBIDDEN_IN_NAMES if names else _MAYBE_FORBIDDEN).search(text) is None


def find_forbidden(text, *, names=False):
    """The first forbidden character of ``text`` (after line ends are normalised), or None."""
    text = normalise_line_ends(text)
    if _has_none(text, names):
        return None
    match = _pattern(names).search(text)
    if match is None:
        return None
    words = _TAGS.sub(" ", text[:match.start()]).split()[-4:]
    return Forbidden(match.group(), match.start() + 1, " ".join(words)[-60:])


def strip_forbidden(text, *, names=False):
    """``(text without forbidden characters, how many were removed)``.

    Line ends are normalised first and not counted; a separator control becomes a space.
    """
    text = normalise_line_ends(text)
    if _has_none(text, names):
        return text, 0
    removed = 0

    def replace(match):
        nonlocal removed
        removed += 1
        return " " if match.group() in _SEPARATORS else ""

    return _pattern(names).sub(replace, text), removed


def strip_forbidden_data(value, *, name_keys=frozenset(), names=False):
    """``(value, how many removed)``: ``strip_forbidden`` over every string of a JSON-like
    value (a parsed file). Strings under a key in ``name_keys``, at any depth, follow the
    rule for names."""
    if isinstance(value, str):
        return strip_forbidden(value, names=names)
    if isinstance(value, list):
        cleaned = [strip_forbidden_data(item, name_keys=name_keys, names=names)
                   for item in value]
        return [item for item, _ in cleaned], sum(count for _, count in cleaned)
    if isinstance(value, dict):
        cleaned = {
            key: strip_forbidden_data(item, name_keys=name_keys,
                                      names=names or key in name_keys)
            for key, item in value.items()
        }
        return ({key: item for key, (item, _) in cleaned.items()},
                sum(count for _, count in cleaned.values()))
    return value, 0


def removed_note(count):
    """How an import's report says it cleaned the text; empty when it did not."""
    if not count:
        return ""
    return f"removed {count} control character{'s' if count != 1 else ''}"


def html_to_text(markup, *, block_end="\n", tag=""):
    """The text of sanitised HTML: tags dropped, character references decoded.

    Where a block ends (paragraph, list item, heading, quotation) or a line breaks, the
    text gets ``block_end``: by default one paragraph a line, as the auto-tagger reads a
    body (its offsets are in this text); a space for text read as one run of words.
    Every other tag (emphasis, a link) becomes ``tag``, by default nothing, so a word
    split by markup stays one word.
    """
    text = markup or ""
    if block_end != tag:
        text = _BLOCK_ENDS.sub(block_end, text)
    return html.unescape(_TAGS.sub(tag, text))


def output_text(text):
    """Stored text made fit for XML and JSON output: forbidden characters removed."""
    if not text or _has_none(text, False) or CONTROLS.search(text) is None:
        return text
    return CONTROLS.sub(lambda m: " " if m.group() in _SEPARATORS else "", text)


def output_data(value):
    """``output_text`` over every string of a JSON-like value (dicts, lists, strings)."""
    if isinstance(value, str):
        return output_text(value)
    if isinstance(value, list | tuple):
        return [output_data(item) for item in value]
    if isinstance(value, dict):
        return {key: output_data(item) for key, item in value.items()}
    return value


def visible_controls(text):
    """Each forbidden character (direction controls included) written as ``[U+0001]``,
    for editors comparing versions: what cannot be seen is named instead."""
    if not text:
        return text
    return CONTROLS_IN_NAMES.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)


@deconstructible
class PlainTextValidator:
    """Refuses text with a forbidden character, saying which and where.

    ``names=True`` (headlines, names, bylines) refuses the text-direction controls too.
    A list (aliases) is checked item by item.
    """

    def __init__(self, names=False):
        self.names = names

    def __call__(self, value):
        if isinstance(value, str):
            found = find_forbidden(value, names=self.names)
            if found:
                raise ValidationError(
                    f"This text {found.describe()}.", code="control_character"
                )
            return
        if isinstance(value, list | tuple):
            for number, item in enumerate(value, start=1):
                found = isinstance(item, str) and find_forbidden(item, names=self.names)
                if found:
                    raise ValidationError(
                        f"Line {number} {found.describe()}.", code="control_character"
                    )

    def __eq__(self, other):
        return isinstance(other, PlainTextValidator) and other.names == self.names

    def __hash__(self):
        return hash((type(self), self.names))


def row_id(value):
    """A posted row id as a number, or None: ASCII digits only ("²" and "٣" are digits to
    ``str.isdigit`` but not to ``int`` or the database) and within a bigint."""
    value = str(value)
    if value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None
