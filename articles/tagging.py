"""The auto-tagger: finds the countries, ministers and policies an article is about.

The vocabulary (tag names, their aliases, and country names, demonyms and capitals from
pycountry and countryinfo) is compiled once into an Aho–Corasick automaton over
normalised words, and rebuilt when the vocabulary tables change. Text is split into
words, each word normalised (case, diacritics, apostrophes, possessive and plural "s",
British/American spellings), and the automaton finds every vocabulary phrase on word
boundaries. The longest overlapping phrase wins; then rules reject false friends
(lower-case "china", Georgia the US state, a person named Jordan, a capital used as a
place rather than a government, a surname shared by two ministers). Every suggestion
carries its evidence: the phrase as written, the field and the offset in that field.
See docs/TAGGING.md.
"""

import html
import json
import re
import threading
import unicodedata
from bisect import bisect_left, bisect_right
from collections import namedtuple
from dataclasses import dataclass, field
from functools import cache
from itertools import accumulate
from operator import add
from pathlib import Path
from typing import NamedTuple

import ahocorasick
import pycountry
from countryinfo import CountryInfo
from django.db import connection

DATA_FILE = Path(__file__).parent / "data" / "country_aliases.json"

COUNTRIES, MINISTERS, POLICIES = "countries", "ministers", "policies"
TAXONOMIES = (COUNTRIES, MINISTERS, POLICIES)
FIELDS = ("headline", "standfirst", "body")

TAG_RE = re.compile(r"<[^>]*>")
BLOCK_END_RE = re.compile(r"</(?:p|li|h\d|blockquote|div)>|<br\s*/?>", re.IGNORECASE)

SPELLING_VARIANTS = {
    "programme": "program",
    "defence": "defense",
    "centre": "center",
    "organisation": "organization",
    "labour": "labor",
    "harbour": "harbor",
    "dialogue": "dialog",
}
# Words before a name that mean "this is a person": the name is not a country.
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "madam", "mme"})
# Capitalised words before a surname that do not make it someone else's name.
TITLES = HONORIFICS | frozenset({
    "minister", "ministers", "secretary", "president", "premier", "chancellor",
    "counterpart", "envoy", "ambassador", "foreign", "defense", "trade", "prime",
    "deputy", "general", "spokesman", "spokeswoman", "spokesperson", "commissioner",
    "senator", "governor", "king", "queen", "prince", "sheikh", "emir", "professor",
})
SENTENCE_STARTERS = frozenset({
    "the", "a", "an", "and", "but", "or", "so", "yet", "when", "while", "as", "after",
    "before", "if", "then", "in", "on", "at", "with", "for", "from", "by", "to", "meanwhile",
    "however", "later", "earlier", "also", "both", "that", "this", "where", "how", "why",
    "what", "there", "here", "since", "until", "though", "although", "because", "like",
    "unlike", "only", "even", "still", "now", "today", "yesterday", "tomorrow", "asked",
    "said", "says", "according", "speaking", "addressing", "under", "during",
})
# "in Moscow" is a place; "Moscow said" is a government.
LOCATIVES = frozenset({"in", "at", "near", "outside", "around", "across", "inside"})
GOVERNMENT_WORDS = frozenset({
    "officials", "authorities", "government", "ministry", "minister", "leaders",
    "spokesman", "spokeswoman", "spokesperson", "sources",
})
# "Jordan Valley", "Georgia Government": a capitalised word after the name that is not
# a surname.
NOT_A_SURNAME = frozenset({
    "valley", "river", "times", "today", "army", "armed", "forces", "government", "ministry",
    "embassy", "foreign", "street", "square", "bridge", "university", "airlines", "airways",
    "bank", "national", "state", "post", "news", "sea", "ocean", "coast", "border",
    "crossing", "king", "queen", "prime", "president", "minister", "police", "parliament",
    "and", "or", "on", "in", "to", "is", "has", "was", "said", "says", "will", "would",
})
MIN_PERMUTED_WORDS = 3
PERMUTED_RUN_RE = re.compile(b"\x01{%d,}" % MIN_PERMUTED_WORDS)


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


def _normalise_word(word):
    return " ".join(normalise_text(word).split())


# The word lists above are compared with normalised words.
HONORIFICS = frozenset(map(_normalise_word, HONORIFICS))
TITLES = frozenset(map(_normalise_word, TITLES))
SENTENCE_STARTERS = frozenset(map(_normalise_word, SENTENCE_STARTERS))
GOVERNMENT_WORDS = frozenset(map(_normalise_word, GOVERNMENT_WORDS))
NOT_A_SURNAME = frozenset(map(_normalise_word, NOT_A_SURNAME))


def normalise_phrase(phrase):
    """The phrase as a tuple of word keys, as the matcher compares it."""
    return tuple(normalise_text(phrase).split())


def body_text(body):
    """Article body HTML as plain text, one paragraph per line."""
    return html.unescape(TAG_RE.sub("", BLOCK_END_RE.sub("\n", body or "")))


class Evidence(NamedTuple):
    """Why a tag is suggested: the phrase as written, its field and offset there."""

    phrase: str
    field: str
    offset: int

    def as_dict(self):
        return self._asdict()


@dataclass
class Suggestion:
    taxonomy: str
    tag_id: int
    name: str
    evidence: list = field(default_factory=list)

    @property
    def key(self):
        return f"{self.taxonomy}:{self.tag_id}"


@dataclass(frozen=True)
class Entry:
    """One thing a vocabulary phrase can mean."""

    taxonomy: str  # countries / ministers / policies, or "" for a blocker
    tag_id: int
    role: str  # name, alias, capital, surname, block
    case: str  # "" (any), "title" (capitalised), "upper" (acronym)
    # For role "surname": the ministers with that family name, those whose vocabulary
    # lists the word itself as an alias, and those whose first word it is ("Mr Wang"
    # for Wang Yi, counted only after a title).
    surname_of: tuple = ()
    explicit: tuple = ()
    given_of: tuple = ()


# A phrase found in a field: word indexes [start, end) and what it may mean.
Match = namedtuple("Match", "start end entries cased", defaults=(2,))


class _Words:
    """One field's text as normalised words, mapped back to character offsets.

    Built with whole-string operations (no per-word Python work), because a 3,000-word
    body must be tagged in a few milliseconds. `hay` is " word word ... " for the
    automaton; start(i)/end(i) give word i's span in the original text.
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
        return self._original(self.hay_starts[index])

    def end(self, index):
        return self._original(self.hay_starts[index] + len(self.keys[index]) - 1) + 1



@cache
def country_data():
    """The hand-kept part of the country names: extra aliases, exclusions, guards."""
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def _strings(*values):
    """The non-empty strings among values, lists flattened (the package mixes both)."""
    found = []
    for value in values:
        if isinstance(value, str) and value.strip():
            found.append(value)
        elif isinstance(value, list):
            found += _strings(*value)
    return found


@cache
def package_country_names():
    """{ISO code: {"name": [...], "capital": [...]}} from pycountry and countryinfo."""
    names = {}
    for country in pycountry.countries:
        forms = names.setdefault(
            country.alpha_2, {"name": [], "capital": [], "population": 0}
        )
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                forms["name"].append(value)
    codes = {c.alpha_2 for c in pycountry.countries} | {c.alpha_3 for c in pycountry.countries}
    for info in CountryInfo.all().values():
        code = (info.get("ISO") or {}).get("alpha2")
        if code not in names:
            continue
        forms = names[code]
        spellings = _strings(info.get("name"), info.get("demonym"))
        spellings += _strings(info.get("altSpellings"))
        # Bare ISO codes ("IN", "IT", "TO") are ordinary words in copy.
        forms["name"] += [s for s in spellings if s not in codes]
        forms["capital"] += _strings(info.get("capital"))
        forms["population"] = info.get("population") or 0
    return names


def _country_forms(code, name, aliases):
    """Every (phrase, role) by which copy may name this country."""
    data = country_data()
    package = package_country_names().get(code, {"name": [], "capital": []})
    excluded = {normalise_phrase(p) for p in data["exclude"].get(code, [])}
    forms = [(name, "name")]
    forms += [(p, "package") for p in package["name"]]
    forms += [(p, "package") for p in data["aliases"].get(code, [])]
    forms += [(p, "capital") for p in package["capital"]]
    forms += [(p, "capital") for p in data["capitals"].get(code, [])]
    forms += [(p, "alias") for p in aliases]
    return [(p, role) for p, role in forms if normalise_phrase(p) not in excluded]


def _case_rule(phrase, taxonomy):
    letters = phrase.replace(".", "").replace(" ", "")
    if letters.isalpha() and letters.isupper() and len(letters) <= 5:
        return "upper"
    if taxonomy == POLICIES and len(normalise_phrase(phrase)) > 1:
        return ""
    return "title"


def _surname(name):
    """The family name by which copy refers to a person after first mention."""
    words = [w for w in re.split(r"\s+", name.strip()) if w]
    if len(words) < 2:
        return None
    surname = [words[-1]]
    # Particles belong to the surname: "von der Leyen", "al-Sabah".
    for word in reversed(words[:-1]):
        if word.islower():
            surname.insert(0, word)
        else:
            break
    return " ".join(surname)


class CompiledVocabulary:
    """The vocabulary as one automaton; built once, used for many articles."""

    def __init__(self, *, countries, ministers, policies):
        self.names = {COUNTRIES: {}, MINISTERS: {}, POLICIES: {}}
        self.codes = {}
        self.population = {}
        self.given_names = {}  # minister id -> first words of their names ("sergey")
        phrases = {}  # key tuple -> {(taxonomy, tag_id): (role, case, original)}

        def add(phrase, taxonomy, tag_id, role):
            key = normalise_phrase(phrase)
            if not key:
                return
            claims = phrases.setdefault(key, {})
            previous = claims.get((taxonomy, tag_id))
            # A vocabulary name or alias outranks what a package says about the phrase,
            # but a capital stays a capital ("in Moscow" is a place) even when listed.
            if previous is None or previous[0] == "package":
                claims[(taxonomy, tag_id)] = (role, _case_rule(phrase, taxonomy))

        for tag_id, code, name, aliases in countries:
            self.names[COUNTRIES][tag_id] = name
            self.codes[tag_id] = code
            self.population[tag_id] = package_country_names().get(code, {}).get("population", 0)
            for phrase, role in _country_forms(code, name, aliases):
                add(phrase, COUNTRIES, tag_id, role)

        surnames = {}  # one-word key -> {"last"|"explicit"|"given": minister ids}
        for tag_id, name, aliases in ministers:
            self.names[MINISTERS][tag_id] = name
            self.given_names[tag_id] = {
                words[0] for words in map(normalise_phrase, (name, *aliases)) if len(words) > 1
            }
            for phrase in (name, *aliases):
                key = normalise_phrase(phrase)
                if len(key) > 1:
                    add(phrase, MINISTERS, tag_id, "name")
                    surname = _surname(phrase)
                    if surname:
                        _claim(surnames, normalise_phrase(surname), "last", tag_id)
                    if len(key) == 2:
                        _claim(surnames, key[:1], "given", tag_id)
                elif key:
                    _claim(surnames, key, "last", tag_id)
                    _claim(surnames, key, "explicit", tag_id)

        for tag_id, name, aliases in policies:
            self.names[POLICIES][tag_id] = name
            for phrase in (name, *aliases):
                add(phrase, POLICIES, tag_id, "name")

        for phrase in country_data()["blockers"]:
            phrases.setdefault(normalise_phrase(phrase), {})[("", 0)] = ("block", "")

        self.context_clues = {
            normalise_phrase(name): [normalise_phrase(c) for c in clues]
            for name, clues in country_data()["context_clues"].items()
        }
        self.context_keep = {
            normalise_phrase(name): [normalise_phrase(c) for c in clues]
            for name, clues in country_data()["context_keep"].items()
        }
        self.person_names = {normalise_phrase(p) for p in country_data()["person_names"]}

        self.automaton = ahocorasick.Automaton()
        for key in phrases.keys() | surnames.keys():
            entries = self._entries(phrases.get(key, {}), surnames.get(key))
            if entries:
                self._add_pattern(key, entries)
        self.permuted = {}  # sorted policy words -> entries, for reordered names
        for key, claims in phrases.items():
            policy_entries = tuple(
                Entry(POLICIES, tag_id, role, case)
                for (taxonomy, tag_id), (role, case) in claims.items()
                if taxonomy == POLICIES
            )
            if policy_entries and len(key) >= MIN_PERMUTED_WORDS:
                self.permuted.setdefault(tuple(sorted(key)), policy_entries)
        self.permuted_words = {word for key in self.permuted for word in key}
        self.permuted_lengths = sorted({len(key) for key in self.permuted})
        if len(self.automaton):
            self.automaton.make_automaton()

    def _add_pattern(self, key, entries):
        pattern = " " + " ".join(key) + " "
        # 0: no case rule; 1: every meaning needs a capital (the common case, checked
        # with one character); 2: mixed rules, checked entry by entry.
        cases = {entry.case for entry in entries}
        cased = 0 if cases == {""} else 1 if cases == {"title"} else 2
        self.automaton.add_word(pattern, (len(key), len(pattern), entries, cased))

    def _entries(self, claims, surname_of):
        if ("", 0) in claims:
            # A blocking phrase ("Indian Ocean") stops country matches only; if the
            # vocabulary names a minister or policy so, that still counts.
            others = [
                Entry(t, i, role, case) for (t, i), (role, case) in claims.items()
                if t in (MINISTERS, POLICIES)
            ]
            return tuple(others) or (Entry("", 0, "block", ""),)
        countries = [(k, v) for k, v in claims.items() if k[0] == COUNTRIES]
        if len(countries) > 1:
            # The newsroom's own names and aliases are trusted as written. A package
            # phrase shared by a country and its territories ("Indian", "French") goes
            # to the most populous claimant: the country copy means.
            trusted = [(k, v) for k, v in countries if v[0] in ("name", "alias")]
            countries = trusted or [max(countries, key=lambda c: self.population[c[0][1]])]
        others = [(k, v) for k, v in claims.items() if k[0] != COUNTRIES]
        entries = [Entry(t, i, role, case) for (t, i), (role, case) in countries + others]
        if surname_of:
            entries.append(Entry(
                MINISTERS, 0, "surname", "title",
                surname_of=tuple(sorted(surname_of.get("last", ()))),
                explicit=tuple(sorted(surname_of.get("explicit", ()))),
                given_of=tuple(sorted(surname_of.get("given", ()))),
            ))
        return tuple(entries)

    # -- matching -------------------------------------------------------------------

    def _find(self, words):
        """Every vocabulary phrase in the words, as Matches (overlaps included)."""
        if not words.keys or not len(self.automaton):
            return []
        found = []
        starts = words.hay_starts
        for end, (length, chars, entries, cased) in self.automaton.iter(words.hay):
            # `end` is the pattern's trailing space; its first word starts two
            # characters after the pattern's start (always a word start: patterns are
            # bounded by spaces).
            start = bisect_left(starts, end - chars + 2)
            found.append(Match(start, start + length, entries, cased))
        found += self._find_permuted(words)
        return found

    def _find_permuted(self, words):
        """Policy names written in another word order ("North-South International ...")."""
        if not self.permuted:
            return []
        found = []
        keys = words.keys
        # One byte per word, 1 where the word occurs in a reordered-policy name (all C).
        inside = bytes(map(self.permuted_words.__contains__, keys))
        for run in PERMUTED_RUN_RE.finditer(inside):
            for size in self.permuted_lengths:
                if size > run.end() - run.start():
                    break
                for start in range(run.start(), run.end() - size + 1):
                    entries = self.permuted.get(tuple(sorted(keys[start:start + size])))
                    if entries:
                        found.append(Match(start, start + size, entries, 0))
        return found

    def tag(self, *, headline="", standfirst="", body=""):
        """Suggestions for the text, as {taxonomy: [Suggestion, ...]} in order of mention."""
        texts = {"headline": headline or "", "standfirst": standfirst or "",
                 "body": body_text(body)}
        accepted = []  # (field, words, match, entry)
        people = set()  # person-prone names ("Jordan") seen as a person's name
        hays = []
        for field_name in FIELDS:
            words = _Words(texts[field_name])
            hays.append(words.hay)
            for match in self._resolve(words, self._find(words)):
                for entry in match.entries:
                    if self._keeps(entry, match, words, people):
                        accepted.append((field_name, words, match, entry))
        story = " ".join(hays)
        kept = []
        for item in accepted:
            words, match, entry = item[1], item[2], item[3]
            key = tuple(words.keys[match.start:match.end]) if entry.taxonomy == COUNTRIES else ()
            # Once "Jordan Bardella" is in the story, a later bare "Jordan" is him too.
            if key in people:
                continue
            if key in self.context_clues and self._other_meaning(key, words, match, story):
                continue
            kept.append(item)
        return self._suggestions(kept)

    def _other_meaning(self, key, words, match, story):
        """Georgia the US state: a clue in the paragraph, or in a story with none of
        the country's own clues (Tbilisi, Caucasus)."""
        clues = self.context_clues[key]
        if _paragraph_has(words, match, clues):
            return True
        if not any(" " + " ".join(clue) + " " in story for clue in clues):
            return False
        keep = self.context_keep.get(key, ())
        return not any(" " + " ".join(clue) + " " in story for clue in keep)

    def _resolve(self, words, found):
        """Longest phrase first; a shorter phrase overlapping an accepted one is dropped.

        Entries whose case rule the written phrase breaks ("china", "us") drop out first.
        """
        candidates = []
        text = words.text
        for match in found:
            if match.cased == 1:
                if text[words.start(match.start)].isupper():
                    candidates.append(match)
                continue
            entries = match.entries
            if match.cased:
                first = text[words.start(match.start)]
                if first.isupper():
                    written = None
                    kept = []
                    for entry in entries:
                        if entry.case == "upper":
                            written = written or text[words.start(match.start):
                                                      words.end(match.end - 1)]
                            if not written.isupper():
                                continue
                        kept.append(entry)
                    entries = tuple(kept)
                else:
                    entries = tuple(entry for entry in entries if not entry.case)
                if not entries:
                    continue
                match = Match(match.start, match.end, entries, 0)
            candidates.append(match)
        candidates.sort(key=lambda m: (m.start - m.end, m.start))
        taken = bytearray(len(words.keys))
        resolved = []
        for match in candidates:
            if taken.find(1, match.start, match.end) != -1:
                continue
            taken[match.start:match.end] = b"\x01" * (match.end - match.start)
            if match.entries[0].role != "block":
                resolved.append(match)
        resolved.sort(key=lambda m: m.start)
        return resolved

    def _keeps(self, entry, match, words, people):
        if entry.taxonomy != COUNTRIES:
            return True
        key = tuple(words.keys[match.start:match.end])
        if entry.role == "capital" and _is_a_place(words, match):
            return False
        if key in self.person_names and _names_a_person(words, match):
            people.add(key)
            return False
        return True

    def _suggestions(self, accepted):
        """Group evidence by tag; settle surnames against the full names found."""
        by_tag = {}
        named_ministers = set()
        surname_mentions = []
        texts = {}  # field name -> its text, to judge a single mention in context
        for field_name, words, match, entry in accepted:
            texts.setdefault(field_name, words.text)
            phrase = words.text[words.start(match.start):words.end(match.end - 1)]
            evidence = Evidence(phrase, field_name, words.start(match.start))
            if entry.role == "surname":
                surname_mentions.append((entry, evidence, words, match))
                continue
            if entry.taxonomy == MINISTERS:
                named_ministers.add(entry.tag_id)
            self._add(by_tag, entry.taxonomy, entry.tag_id, evidence)
        rest = []
        for mention in surname_mentions:
            # "Sergei Lavrov" for Sergey Lavrov: the full name in another spelling.
            entry, evidence, words, match = mention
            minister = self._spelling_variant(entry, words, match)
            if minister is None:
                rest.append(mention)
                continue
            named_ministers.add(minister)
            start = words.start(match.start - 1)
            phrase = words.text[start:words.end(match.end - 1)]
            self._add(by_tag, MINISTERS, minister, Evidence(phrase, evidence.field, start))
        for entry, evidence, words, match in rest:
            minister = _surname_refers_to(entry, words, match, named_ministers)
            if minister is not None:
                self._add(by_tag, MINISTERS, minister, evidence)
        result = {taxonomy: [] for taxonomy in TAXONOMIES}
        order = {name: index for index, name in enumerate(FIELDS)}
        for suggestion in by_tag.values():
            if suggestion.taxonomy == MINISTERS and not _salient(suggestion, texts):
                continue
            suggestion.evidence.sort(key=lambda e: (order[e.field], e.offset))
            result[suggestion.taxonomy].append(suggestion)
        for suggestions in result.values():
            suggestions.sort(key=lambda s: (order[s.evidence[0].field], s.evidence[0].offset))
        return result

    def _spelling_variant(self, entry, words, match):
        """The minister whose given name the word before the surname spells differently."""
        if not _preceded_by_other_name(words, match):
            return None
        given = words.keys[match.start - 1]
        found = [
            minister for minister in entry.surname_of
            if any(_close_spelling(given, known) for known in self.given_names[minister])
        ]
        return found[0] if len(found) == 1 else None

    def _add(self, by_tag, taxonomy, tag_id, evidence):
        suggestion = by_tag.get((taxonomy, tag_id))
        if suggestion is None:
            suggestion = by_tag[(taxonomy, tag_id)] = Suggestion(
                taxonomy, tag_id, self.names[taxonomy][tag_id]
            )
        suggestion.evidence.append(evidence)


SPEAKS_AFTER = re.compile(
    r"^[^.!?\n]{0,30}?\b(said|says|told|tells|announced|announces|added|adds|warned|"
    r"urged|insisted|stated|declared|argued|replied|noted|wrote|confirmed|denied)\b",
    re.IGNORECASE,
)
SPEAKS_BEFORE = re.compile(r"\b(said|says|according to|told by)\W*$", re.IGNORECASE)


def _salient(suggestion, texts):
    """A minister the story is about, not one named in passing ("…between Prime Minister
    Modi and President Putin" in a closing line): named twice, named in the headline,
    standfirst or first paragraph, or named as the one speaking ("X said")."""
    if len(suggestion.evidence) >= 2:
        return True
    evidence = suggestion.evidence[0]
    if evidence.field != "body":
        return True
    text = texts.get("body", "")
    lead_end = text.find("\n") % (len(text) + 1)
    if evidence.offset < lead_end:
        return True
    after = text[evidence.offset + len(evidence.phrase):]
    before = text[max(0, evidence.offset - 20):evidence.offset]
    return bool(SPEAKS_AFTER.match(after) or SPEAKS_BEFORE.search(before))


def _close_spelling(word, known):
    """Sergei/Sergey, Andriy/Andrii: same first letter, at most two letters apart."""
    if word == known:
        return True
    if word[:1] != known[:1] or min(len(word), len(known)) < 4:
        return False
    if abs(len(word) - len(known)) > 2:
        return False
    previous = list(range(len(known) + 1))
    for i, a in enumerate(word, start=1):
        current = [i]
        for j, b in enumerate(known, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b)))
        previous = current
    return previous[-1] <= 2


def _claim(surnames, key, kind, tag_id):
    surnames.setdefault(key, {}).setdefault(kind, set()).add(tag_id)


def _is_capitalised(words, index):
    return words.text[words.start(index):words.start(index) + 1].isupper()


def _gap(words, before, after):
    return words.text[words.end(before):words.start(after)]


def _preceded_by_other_name(words, match):
    """'Manmohan Singh' is not minister Singh: a capitalised given name sits before."""
    index = match.start - 1
    if index < 0 or not _is_capitalised(words, index):
        return False
    gap = _gap(words, index, match.start)
    if gap.strip():
        return False
    previous = words.text[words.start(index):words.end(index)]
    if previous.endswith(("'s", "’s")):
        return False
    return words.keys[index] not in TITLES and words.keys[index] not in SENTENCE_STARTERS


def _surname_refers_to(entry, words, match, named_ministers):
    """The one minister a bare surname means here, or None.

    A family name counts once that minister's full name is in the story; a word the
    vocabulary itself lists as an alias ("Jaishankar") counts alone. A name two
    ministers share counts only when exactly one of them is named in full.
    """
    if _preceded_by_other_name(words, match):
        return None
    candidates = set(entry.surname_of)
    before = match.start - 1
    if before >= 0 and words.keys[before] in TITLES:
        candidates |= set(entry.given_of)
    named = candidates & named_ministers
    if len(named) == 1:
        return named.pop()
    if not named and len(candidates) == 1 and candidates == set(entry.explicit):
        return candidates.pop()
    return None


def _is_a_place(words, match):
    """'in Vienna' is where talks were held; 'officials in Vienna' speak for Austria."""
    before = match.start - 1
    if before < 0 or words.keys[before] not in LOCATIVES:
        return False
    return before == 0 or words.keys[before - 1] not in GOVERNMENT_WORDS


def _names_a_person(words, match):
    """'Michael Jordan', 'Ms Jordan' or 'Chad Smith': the country name is a person's."""
    before = match.start - 1
    if before >= 0 and not _gap(words, before, match.start).strip():
        if words.keys[before] in HONORIFICS:
            return True
        if _is_capitalised(words, before) and words.keys[before] not in SENTENCE_STARTERS:
            previous = words.text[words.start(before):words.end(before)]
            if not previous.endswith(("'s", "’s")) and words.keys[before] not in TITLES:
                return True
    after = match.end
    if after < len(words.keys) and not _gap(words, match.end - 1, after).strip():
        if _is_capitalised(words, after) and words.keys[after] not in NOT_A_SURNAME:
            return True
    return False


def _paragraph_has(words, match, clues):
    """A clue to another meaning ("Atlanta" for Georgia) in the same paragraph."""
    text = words.text
    start = text.rfind("\n", 0, words.start(match.start)) + 1
    end = text.find("\n", words.end(match.end - 1))
    end = len(text) if end == -1 else end
    keys = " " + " ".join(normalise_phrase(text[start:end])) + " "
    return any(" " + " ".join(clue) + " " in keys for clue in clues)


# -- the process-wide compiled vocabulary ------------------------------------------------

_lock = threading.Lock()
_compiled = {"fingerprint": None, "vocabulary": None}


def vocabulary_fingerprint():
    """A cheap summary of the three tag tables that changes when any name or alias does.

    One query: per table the row count (a deletion), the highest id (an addition) and
    the latest change (any edit; every write to a vocabulary row sets `updated_at`).
    """
    from articles.models import Country, Minister, Policy

    parts = []
    for position, model in enumerate((Country, Minister, Policy)):
        table = connection.ops.quote_name(model._meta.db_table)
        parts.append(
            f"SELECT {position}, COUNT(*), MAX(id), MAX(updated_at) FROM {table}"
        )
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        return tuple(sorted(tuple(row) for row in cursor.fetchall()))


def compile_vocabulary():
    """Build the matcher from the database's countries, ministers and policies."""
    from articles.models import Country, Minister, Policy

    return CompiledVocabulary(
        countries=list(Country.objects.values_list("id", "code", "name", "aliases")),
        ministers=list(Minister.objects.values_list("id", "name", "aliases")),
        policies=list(Policy.objects.values_list("id", "name", "aliases")),
    )


def get_vocabulary():
    """The compiled vocabulary, rebuilt only when the tag tables have changed."""
    fingerprint = vocabulary_fingerprint()
    with _lock:
        if _compiled["fingerprint"] != fingerprint:
            _compiled["vocabulary"] = compile_vocabulary()
            _compiled["fingerprint"] = fingerprint
        return _compiled["vocabulary"]


def suggest_tags(article, *, vocabulary=None):
    """The tags the article's text supports, with evidence, whether applied or not."""
    vocabulary = vocabulary or get_vocabulary()
    return vocabulary.tag(
        headline=article.headline, standfirst=article.standfirst, body=article.body
    )


def new_suggestions(article, *, vocabulary=None):
    """Suggestions for tags the article does not carry yet."""
    suggestions = suggest_tags(article, vocabulary=vocabulary)
    if article.pk is None:
        return suggestions
    # .all() uses tags prefetched by the caller (the admin list action does).
    present = {taxonomy: {tag.id for tag in getattr(article, taxonomy).all()}
               for taxonomy in TAXONOMIES}
    return {
        taxonomy: [s for s in items if s.tag_id not in present[taxonomy]]
        for taxonomy, items in suggestions.items()
    }


def apply_suggestions(*, article, suggestions, accept=None):
    """Add the suggested tags (only those whose key is in `accept`, if given).

    Never removes a tag. Returns the number of tags added.
    """
    from articles.models import TAXONOMIES as REGISTRY

    models = {taxonomy.manager: taxonomy.model for taxonomy in REGISTRY.values()}
    added = 0
    for taxonomy, items in suggestions.items():
        ids = [s.tag_id for s in items if accept is None or s.key in accept]
        if not ids:
            continue
        manager = getattr(article, taxonomy)
        present = set(manager.values_list("id", flat=True))
        new = [tag for tag in models[taxonomy].objects.filter(id__in=ids) if tag.id not in present]
        if new:
            manager.add(*new)
            added += len(new)
    return added
