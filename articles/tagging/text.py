"""Text as the auto-tagger compares it: words normalised one character for one (so
offsets still hold), phrases as tuples of word keys, and a field's words mapped back to
their offsets in the text."""

import re
import unicodedata
from bisect import bisect_left, bisect_right
from itertools import accumulate
from operator import add

SPELLING_VARIANTS = {
    "programme": "program",
    "defence": "defense",
    "centre": "center",
    "organisation": "organization",
    "labour": "labor",
    "harbour": "harbor",
    "dialogue": "dialog",
}


def _fold_table():
    """Accented letters to their base letter, one character for one, plus apostrophes."""
    table = {ord("’"): "'", ord("‘"): "'", ord("ʼ"): "'", ord("ı"): "i", ord("ł"): "l",
             ord("ø"): "o", ord("đ"): "d", ord("ħ"): "h"}
    for code in range(0x80, 0x2000):
        char = chr(code)
        base = [c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)]
        if len(base) == 1 and base[0] != char and base[0].isascii() and base[0].isalpha():
            table.setdefault(code, base[0].lower())
    return table


FOLD_TABLE = _fold_table()
# Each pattern starts with a literal where it can, so the regex engine scans fast.
NON_ASCII_RE = re.compile(r"[^\x00-\x7f]+")
POSSESSIVE_RE = re.compile(r"'s\b(?<=\w's)")
# A plural or third-person "s" after three or more letters, not "ss" ("Swiss").
PLURAL_RE = re.compile(r"s\b(?<=\w\w[^\Ws]s)")
# After folding accents, words are ASCII letters and digits; anything else separates
# them (much faster than the Unicode class \W, and the same on both sides of a match).
NON_WORD_RE = re.compile(r"[^a-z0-9\s]")
SPACE_RUN_RE = re.compile(r"\s{2,}")
NEWLINE_RE = re.compile("\n")


def _fold(match):
    return match.group().translate(FOLD_TABLE)


def normalise_text(text):
    """The text with each character replaced one for one, so offsets still hold.

    Lower case, accents folded, possessive 's and plural s blanked, British spellings
    made American, and everything that is not a letter or digit made a space: what is
    left, split on spaces, are the words the matcher compares.
    """
    folded = text.lower()
    if len(folded) != len(text):  # a few letters lower-case to two characters
        folded = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    if not folded.isascii():
        folded = NON_ASCII_RE.sub(_fold, folded)
    folded = POSSESSIVE_RE.sub("  ", folded)
    folded = PLURAL_RE.sub(" ", folded)
    for british, american in SPELLING_VARIANTS.items():
        if british in folded:
            folded = folded.replace(british, american.ljust(len(british)))
    return NON_WORD_RE.sub(" ", folded)


def normalise_word(word):
    return " ".join(normalise_text(word).split())


def normalise_phrase(phrase):
    """The phrase as a tuple of word keys, as the matcher compares it."""
    return tuple(normalise_text(phrase).split())


class Words:
    """One field's text as normalised words, mapped back to character offsets.

    Built with whole-string operations (no per-word Python work), because a long body
    is tagged on every save and import (docs/TAGGING.md has the figures). `hay` is
    " word word ... " for the automaton; start(i)/end(i) give word i's span in the
    original text.
    """

    def __init__(self, text):
        if not text.isascii() and not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        self.text = text
        normalised = normalise_text(text)
        self.keys = normalised.split()
        self.hay = " " + " ".join(self.keys) + " "
        # Start of word i in hay: 1 + letters before it + one space per earlier word.
        self.hay_starts = list(
            map(add, accumulate(map(len, self.keys), initial=1), range(len(self.keys)))
        )[: len(self.keys)]
        self._normalised = normalised
        self._breaks = None
        self._lines = None
        self._starts = {}
        self._ends = {}

    def paragraph(self, offset):
        """The paragraph (0 first; one per line of the text) holding this offset."""
        if self._lines is None:
            self._lines = [m.start() for m in NEWLINE_RE.finditer(self.text)]
        return bisect_left(self._lines, offset) if self._lines else 0

    def _map_runs(self):
        # Runs of spaces (from punctuation) shrink to one space in `hay`; remember where,
        # to map hay positions back to the text.
        normalised = self._normalised
        self._lead = lead = len(normalised) - len(normalised.lstrip())
        spans = [run.span() for run in SPACE_RUN_RE.finditer(normalised, lead + 1)]
        self._removed = list(accumulate(end - start - 1 for start, end in spans))
        self._breaks = [
            end - lead - removed for (_, end), removed in zip(spans, self._removed, strict=True)
        ]

    def _original(self, hay_position):
        if self._breaks is None:
            self._map_runs()
        compressed = hay_position - 1
        index = bisect_right(self._breaks, compressed)
        return compressed + self._lead + (self._removed[index - 1] if index else 0)

    def start(self, index):
        """Where word `index` starts in the text (remembered: rules ask again)."""
        try:
            return self._starts[index]
        except KeyError:
            start = self._starts[index] = self._original(self.hay_starts[index])
            return start

    def end(self, index):
        try:
            return self._ends[index]
        except KeyError:
            end = self._ends[index] = self._original(
                self.hay_starts[index] + len(self.keys[index]) - 1) + 1
            return end
