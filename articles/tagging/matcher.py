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

About 420 lines on purpose: building the automaton and walking text with it share the
word normalisation and the phrase table, and the rules live apart (``rules``).
"""

import re
from bisect import bisect_left
from collections import namedtuple
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import ahocorasick

from articles.models import TAXONOMIES
from articles.platform.text import html_to_text
from articles.tagging.countries import country_data, country_forms, package_country_names
from articles.tagging.policies import capitals_needed, descriptive_forms
from articles.tagging.rules import (
    TITLES,
    a_town_in_a_state,
    called_a_person,
    close_spelling,
    geographic_feature,
    inside_a_pact_name,
    institutions_act,
    is_a_place,
    names_a_person,
    names_a_treaty_or_place,
    paragraph_has,
    preceded_by_other_name,
    salient,
    sentence_has,
    surname_refers_to,
    transliterations,
)
from articles.tagging.text import Words
from articles.tagging.text import normalise_phrase as normalise_text_phrase

# Vocabulary phrases recur from one compilation to the next (text is never cached here).
normalise_phrase = lru_cache(maxsize=1 << 16)(normalise_text_phrase)
COUNTRIES, MINISTERS, POLICIES = (TAXONOMIES[k].plural for k in ("country", "minister", "policy"))
FIELDS = ("headline", "standfirst", "body")
MIN_PERMUTED_WORDS = 3
PERMUTED_RUN_RE = re.compile(b"\x01{%d,}" % MIN_PERMUTED_WORDS)
# "India–UK free trade agreement": a policy named after its two parties.
PAIR_NAME_RE = re.compile(
    r"^\s*(\S+?)\s*[-‐‑–—]\s*(\S+)\s+(?:free trade (?:agreement|pact)|FTA|trade agreement|"
    r"comprehensive economic partnership agreement)\s*$", re.IGNORECASE)
# "a free trade pact between India and the UK" (in normalised words).
PAIR_TRIGGER_RE = re.compile(
    r" (?:free trade|fta)(?: (?:pact|deal|agreement|accord|treaty))? (?:talk )?between ")
CAPITAL_RE = re.compile(r"\b[A-Z]")
# "(CEPA)": the story spells out what an acronym stands for.
DEFINED_RE = re.compile(r"\(\s*([A-Z][A-Za-z0-9&-]{1,11})\s*\)")


class Evidence(NamedTuple):
    """Why a tag is suggested: the phrase as written, its field and offset there, and
    the paragraph of the field it is in (0 first; headline and standfirst have one)."""

    phrase: str
    field: str
    offset: int
    paragraph: int = 0

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
class Ambiguous:
    """A name the story uses that could be several tags ("Mr Kim" with two ministers
    called Kim, neither or both named in full): nothing is tagged from it."""

    taxonomy: str
    text: str
    paragraph: int
    offset: int
    candidates: tuple  # tag ids
    field: str = "body"


@dataclass(frozen=True)
class References:
    """Every reference in a story: `subjects` (what it is about: the suggested tags),
    `mentions` (every other reference), both {taxonomy: [Suggestion]}, and `ambiguous`
    ([Ambiguous]) names that could be several tags and so are neither."""

    subjects: dict
    mentions: dict
    ambiguous: list


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
    # An alias several entries of the taxonomy share ("Mr Kim"): settled per story.
    shared: bool = False


# A phrase found in a field: word indexes [start, end) and what it may mean.
Match = namedtuple("Match", "start end entries cased", defaults=(2,))


def _case_rule(phrase, taxonomy):
    """"upper" (an acronym), "title" (capitalised), "" (any case), or for a short policy
    name the indexes of the words that must be capitalised ("Made in India")."""
    letters = phrase.replace(".", "").replace(" ", "")
    if letters.isalpha() and letters.isupper() and len(letters) <= 5:
        return "upper"
    if taxonomy == POLICIES and len(normalise_phrase(phrase)) > 1:
        return capitals_needed(phrase) or ""
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


def _between(words, left, right):
    return words.text[words.end(left):words.start(right)].lstrip("sS'’")


def _claim(surnames, key, kind, tag_id):
    surnames.setdefault(key, {}).setdefault(kind, set()).add(tag_id)


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
            for phrase, role in country_forms(code, name, aliases):
                add(phrase, COUNTRIES, tag_id, role)

        surnames = {}  # one-word key -> {"last"|"explicit"|"given": minister ids}
        variants = {}  # minister id -> {(given names, surname in another spelling)}
        self.minister_country = {}  # minister id -> country id, when the vocabulary says
        for tag_id, name, aliases, *country in ministers:
            self.names[MINISTERS][tag_id] = name
            if country and country[0]:
                self.minister_country[tag_id] = country[0]
            self.given_names[tag_id] = {
                words[0] for words in map(normalise_phrase, (name, *aliases)) if len(words) > 1
            }
            for phrase in (name, *aliases):
                key = normalise_phrase(phrase)
                if len(key) > 1:
                    # "Mr Kim", "Dr Jaishankar": a title alias, someone else's in a
                    # story that names another person of that surname.
                    add(phrase, MINISTERS, tag_id, "titled" if key[0] in TITLES else "name")
                    surname = _surname(phrase)
                    if surname:
                        _claim(surnames, normalise_phrase(surname), "last", tag_id)
                        variants[tag_id] = variants.get(tag_id, set()) | {
                            (phrase[:len(phrase) - len(surname)], other)
                            for other in transliterations(surname)
                        }
                    if len(key) == 2:
                        _claim(surnames, key[:1], "given", tag_id)
                elif key:
                    _claim(surnames, key, "last", tag_id)
                    _claim(surnames, key, "explicit", tag_id)

        for tag_id, spellings in variants.items():
            # Zelensky for Zelenskyy: unless the spelling is someone's own name.
            for given, surname in spellings:
                key = normalise_phrase(surname)
                if key in surnames and tag_id not in surnames[key].get("last", ()):
                    continue
                _claim(surnames, key, "last", tag_id)
                if given.strip() and normalise_phrase(given + surname) not in phrases:
                    add(given + surname, MINISTERS, tag_id, "name")
        derived = {}  # descriptive form -> {policy id: phrase as built}
        for tag_id, name, aliases in policies:
            self.names[POLICIES][tag_id] = name
            for phrase in (name, *aliases):
                add(phrase, POLICIES, tag_id, "name")
        def is_country(word):
            return any(t == COUNTRIES for t, _ in phrases.get((word,), ()))

        for tag_id, name, aliases in policies:
            for phrase in (name, *aliases):
                for form in descriptive_forms(phrase, is_country):
                    derived.setdefault(normalise_phrase(form), {}).setdefault(tag_id, form)
        for key, owners in derived.items():
            # A form two policies could make, or that already names something, is none.
            if len(owners) == 1 and not any(
                t == POLICIES for t, _ in phrases.get(key, ())
            ):
                (tag_id, form), = owners.items()
                add(form, POLICIES, tag_id, "derived")

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
        self.sentence_clues = {
            normalise_phrase(name): [normalise_phrase(c) for c in clues]
            for name, clues in country_data()["sentence_clues"].items()
        }
        self.us_states = {}  # first word -> the states' names it begins
        for state in country_data()["us_states"]:
            key = normalise_phrase(state)
            self.us_states.setdefault(key[0], []).append(key)

        self.automaton = ahocorasick.Automaton()
        for key in phrases.keys() | surnames.keys():
            entries = self._entries(phrases.get(key, {}), surnames.get(key))
            if entries:
                self._add_pattern(key, entries)
        self._index_policies(phrases, policies)
        self.permuted = {}  # sorted policy words -> entries, for reordered names
        for key, claims in phrases.items():
            policy_entries = tuple(
                Entry(POLICIES, tag_id, role, case)
                for (taxonomy, tag_id), (role, case) in claims.items()
                if taxonomy == POLICIES and role != "derived"  # forms list their orders
            )
            if policy_entries and len(key) >= MIN_PERMUTED_WORDS:
                self.permuted.setdefault(tuple(sorted(key)), policy_entries)
        self.permuted_words = {word for key in self.permuted for word in key}
        self.in_order = {key for key, claims in phrases.items() if len(key) >= MIN_PERMUTED_WORDS
                         and any(taxonomy == POLICIES for taxonomy, _ in claims)}
        self.permuted_lengths = sorted({len(key) for key in self.permuted})
        if len(self.automaton):
            self.automaton.make_automaton()

    def _index_policies(self, phrases, policies):
        """What the policy rules need: each policy's words and longer names, its
        acronyms, and the policies named after two parties ("India–UK FTA")."""
        self.policy_words = {}  # policy id -> every word of its names and forms
        self.policy_keys = {}  # policy id -> its names and forms of two words or more
        self.acronyms = {}  # acronym key -> policy ids
        for key, claims in phrases.items():
            for (taxonomy, tag_id), (_, case) in claims.items():
                if taxonomy != POLICIES:
                    continue
                self.policy_words.setdefault(tag_id, set()).update(key)
                if case == "upper":
                    self.acronyms.setdefault(key, set()).add(tag_id)
                elif len(key) > 1:
                    self.policy_keys.setdefault(tag_id, []).append(" " + " ".join(key) + " ")
        self.pair_policies = {}  # frozenset of two parties -> policy id
        for tag_id, name, aliases in policies:
            for phrase in (name, *aliases):
                named = PAIR_NAME_RE.match(phrase)
                if named:
                    parties = frozenset(self._party(normalise_phrase(p), phrases)
                                        for p in named.groups())
                    self.pair_policies.setdefault(parties, tag_id)

    def _party(self, key, phrases):
        """A party to an agreement: ("c", country id) or ("k", its words)."""
        countries = [i for (t, i), _ in phrases.get(key, {}).items() if t == COUNTRIES]
        if countries:
            return ("c", max(countries, key=lambda i: self.population.get(i, 0)))
        return ("k", key)

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
        claimed = countries + others
        per_taxonomy = {}
        for (taxonomy, _), _claim_value in claimed:
            per_taxonomy[taxonomy] = per_taxonomy.get(taxonomy, 0) + 1
        entries = [
            Entry(t, i, role, case, shared=per_taxonomy[t] > 1)
            for (t, i), (role, case) in claimed
        ]
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
                    if entries and tuple(keys[start:start + size]) not in self.in_order:
                        # (In the vocabulary's own order the automaton found it already.)
                        entries = self._capitalised_enough(entries, words, start, size)
                    else:
                        entries = None
                    if entries:
                        found.append(Match(start, start + size, entries, 0))
        return found

    @staticmethod
    def _capitalised_enough(entries, words, start, size):
        """A reordered short name needs as many capitals as the vocabulary writes."""
        capitals = None
        kept = []
        for entry in entries:
            if entry.case.__class__ is tuple:
                if capitals is None:
                    written = words.text[words.start(start):words.end(start + size - 1)]
                    capitals = len(CAPITAL_RE.findall(written))
                if capitals < len(entry.case):
                    continue
            kept.append(entry)
        return tuple(kept)

    def tag(self, *, headline="", standfirst="", body=""):
        """Suggestions for the text, as {taxonomy: [Suggestion, ...]} in order of mention."""
        return self.references(headline=headline, standfirst=standfirst, body=body).subjects

    def references(self, *, headline="", standfirst="", body=""):
        """Subjects, mentions and ambiguous names in the text (References)."""
        texts = {"headline": headline or "", "standfirst": standfirst or "",
                 "body": html_to_text(body)}
        accepted = []  # (field, words, match, entry)
        venues = []  # capitals named as places: they count if their country takes part
        people = set()  # person-prone names ("Jordan") seen as a person's name
        defined = self._defined_otherwise(texts)
        hays = []
        for field_name in FIELDS:
            words = Words(texts[field_name])
            hays.append(words.hay)
            resolved = self._resolve(words, self._find(words))
            if self.pair_policies and PAIR_TRIGGER_RE.search(words.hay):
                resolved += self._pair_matches(words, resolved)
            for match in resolved:
                for entry in match.entries:
                    kept = self._keeps(entry, match, words, people, defined)
                    if kept:
                        (accepted if kept is True else venues).append(
                            (field_name, words, match, entry))
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
            if key in self.sentence_clues and sentence_has(words, match,
                                                           self.sentence_clues[key]):
                continue
            kept.append(item)
        return self._references(kept, venues)

    def _other_meaning(self, key, words, match, story):
        """Georgia the US state: a clue in the paragraph, or in a story with none of
        the country's own clues (Tbilisi, Caucasus)."""
        clues = self.context_clues[key]
        if paragraph_has(words, match, clues):
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
                        elif entry.case.__class__ is tuple and not all(
                            text[words.start(match.start + i)].isupper() for i in entry.case
                        ):
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

    def _defined_otherwise(self, texts):
        """Acronyms the story spells out as something else: "the Central European
        Pipeline Agreement (CEPA)" is not the vocabulary's CEPA."""
        defined = set()
        if not self.acronyms:
            return defined
        for text in texts.values():
            if "(" not in text:
                continue
            for found in DEFINED_RE.finditer(text):
                key = normalise_phrase(found.group(1))
                policies = self.acronyms.get(key)
                if not policies:
                    continue
                before = " " + " ".join(normalise_text_phrase(text[max(0, found.start() - 150):
                                                              found.start()])) + " "
                if not any(name in before for tag_id in policies
                           for name in self.policy_keys.get(tag_id, ())):
                    defined.add(key)
        return defined

    def _pair_matches(self, words, resolved):
        """'a free trade pact between India and the UK' names the India–UK agreement."""
        keys, found = words.keys, []
        countries = {m.start: m for m in resolved
                     if any(e.taxonomy == COUNTRIES for e in m.entries)}

        def party(index):
            if index < len(keys) and keys[index] == "the":
                index += 1
            match = countries.get(index)
            if match is not None:
                entry = next(e for e in match.entries if e.taxonomy == COUNTRIES)
                return ("c", entry.tag_id), match.end
            if index < len(keys):
                return ("k", (keys[index],)), index + 1
            return None, index

        for trigger in PAIR_TRIGGER_RE.finditer(words.hay):
            start = bisect_left(words.hay_starts, trigger.start() + 1)
            first, after = party(bisect_left(words.hay_starts, trigger.end()))
            if first is None or after >= len(keys) or keys[after] != "and":
                continue
            second, end = party(after + 1)
            tag_id = self.pair_policies.get(frozenset((first, second)))
            if tag_id is not None:
                found.append(Match(start, end, (Entry(POLICIES, tag_id, "derived", ""),), 0))
        return found

    def _acronym_fits(self, entry, match, words, defined):
        """An acronym is another body's when the story spells it out so, or when a
        hyphenated prefix names other parties ("UAE-Israel CEPA", "IA-CEPA")."""
        if tuple(words.keys[match.start:match.end]) in defined:
            return False
        index = match.start - 1
        if index < 0:
            return True
        gap = _between(words, index, match.start)
        if not (gap and all(c in "-‐‑–—" for c in gap)):
            if gap.strip() or index == 0 or not words.text[words.start(index)].isupper():
                return True
            joined = _between(words, index - 1, index)
            if not (joined and all(c in "-‐‑–—" for c in joined)):
                return True
        prefix = {words.keys[index]}
        while index > 0 and (gap := _between(words, index - 1, index)) and all(
            c in "-‐‑–—" for c in gap
        ):
            index -= 1
            prefix.add(words.keys[index])
        return prefix <= self.policy_words.get(entry.tag_id, set())

    def _keeps(self, entry, match, words, people, defined=frozenset()):
        if entry.taxonomy != COUNTRIES:
            if entry.taxonomy == POLICIES and entry.case == "upper":
                return self._acronym_fits(entry, match, words, defined)
            if entry.role == "derived" and match.end < len(words.keys):
                # "Belt and Road Forum", "Digital India Act": another name the form
                # begins, a related body or law, not the programme.
                after = match.end
                return bool(_between(words, after - 1, after).strip()) or not (
                    words.text[words.start(after)].isupper())
            return True
        key = tuple(words.keys[match.start:match.end])
        if entry.role == "capital":
            if names_a_treaty_or_place(words, match):
                return False
            if is_a_place(words, match):
                return True if institutions_act(words, match) else "venue"
        if key in self.person_names and (names_a_person(words, match)
                                         or called_a_person(words, match)):
            people.add(key)
            return False
        if geographic_feature(words, match) or inside_a_pact_name(words, match):
            return False
        return not a_town_in_a_state(words, match, self.us_states)

    def _references(self, accepted, venues=()):
        """Group evidence by tag; settle surnames against the full names found; count a
        capital named as a venue when its country takes part (one of its ministers)."""
        by_tag = {}
        named_ministers = set()
        surname_mentions = []
        titled = []  # title aliases ("Mr Kim"), settled once full names are known
        texts = {}  # field name -> its text, to judge a single mention in context
        ambiguous = []
        shared = {}  # (field, offset, taxonomy) -> [evidence, candidate ids]
        for field_name, words, match, entry in accepted:
            texts.setdefault(field_name, words.text)
            start = words.start(match.start)
            phrase = words.text[start:words.end(match.end - 1)]
            evidence = Evidence(phrase, field_name, start, words.paragraph(start))
            if entry.role == "surname":
                surname_mentions.append((entry, evidence, words, match))
                continue
            if entry.role == "titled":
                titled.append((entry, evidence, words, match))
                continue
            if entry.shared:
                shared.setdefault((field_name, start, entry.taxonomy), [evidence, []])[1].append(
                    entry.tag_id)
                continue
            if entry.taxonomy == MINISTERS:
                named_ministers.add(entry.tag_id)
            self._add(by_tag, entry.taxonomy, entry.tag_id, evidence)
        rest = []
        others = set()  # surnames of people in the story who are not in the vocabulary
        for mention in surname_mentions:
            # "Sergei Lavrov" for Sergey Lavrov: the full name in another spelling.
            entry, evidence, words, match = mention
            minister = self._spelling_variant(entry, words, match)
            if minister is None:
                rest.append(mention)
                if preceded_by_other_name(words, match):
                    others.add(tuple(words.keys[match.start:match.end]))
                continue
            named_ministers.add(minister)
            start = words.start(match.start - 1)
            phrase = words.text[start:words.end(match.end - 1)]
            self._add(by_tag, MINISTERS, minister,
                      Evidence(phrase, evidence.field, start, evidence.paragraph))
        for entry, evidence, words, match in titled:
            key = tuple(words.keys[match.start + 1:match.end])
            if entry.shared:
                shared.setdefault((evidence.field, evidence.offset, MINISTERS),
                                  [evidence, []])[1].append(entry.tag_id)
            elif entry.tag_id in named_ministers or key not in others:
                self._add(by_tag, MINISTERS, entry.tag_id, evidence)
        for entry, evidence, words, match in rest:
            minister, candidates = surname_refers_to(
                entry, words, match, named_ministers, others
            )
            if minister is not None:
                self._add(by_tag, MINISTERS, minister, evidence)
            elif candidates:
                ambiguous.append(Ambiguous(
                    MINISTERS, evidence.phrase, evidence.paragraph, evidence.offset,
                    candidates, evidence.field,
                ))
        # A shared alias goes to the one entry the story names otherwise (in full or by
        # an unshared alias); naming both or neither leaves it ambiguous.
        named_otherwise = set(by_tag)
        for (_, _, taxonomy), (evidence, candidates) in shared.items():
            named = [tag_id for tag_id in candidates if (taxonomy, tag_id) in named_otherwise]
            if len(named) == 1:
                self._add(by_tag, taxonomy, named[0], evidence)
            else:
                ambiguous.append(Ambiguous(
                    taxonomy, evidence.phrase, evidence.paragraph, evidence.offset,
                    tuple(sorted(named or candidates)), evidence.field,
                ))
        taking_part = {self.minister_country.get(tag_id) for taxonomy, tag_id in by_tag
                       if taxonomy == MINISTERS}
        for item in ambiguous:  # "Mr Kim" is one of two Koreans: Korea takes part
            homes = {self.minister_country.get(tag_id) for tag_id in item.candidates}
            if item.taxonomy == MINISTERS and len(homes) == 1:
                taking_part |= homes
        for field_name, words, match, entry in venues:
            if entry.tag_id in taking_part:
                start = words.start(match.start)
                self._add(by_tag, COUNTRIES, entry.tag_id, Evidence(
                    words.text[start:words.end(match.end - 1)], field_name, start,
                    words.paragraph(start)))
        subjects = {taxonomy.plural: [] for taxonomy in TAXONOMIES.values()}
        mentions = {taxonomy.plural: [] for taxonomy in TAXONOMIES.values()}
        order = {name: index for index, name in enumerate(FIELDS)}
        for suggestion in by_tag.values():
            suggestion.evidence.sort(key=lambda e: (order[e.field], e.offset))
            tier = subjects
            if suggestion.taxonomy == MINISTERS and not salient(suggestion, texts):
                tier = mentions
            tier[suggestion.taxonomy].append(suggestion)
        for tier in (subjects, mentions):
            for suggestions in tier.values():
                suggestions.sort(
                    key=lambda s: (order[s.evidence[0].field], s.evidence[0].offset)
                )
        ambiguous.sort(key=lambda a: (order[a.field], a.offset))
        return References(subjects=subjects, mentions=mentions, ambiguous=ambiguous)

    def _spelling_variant(self, entry, words, match):
        """The minister whose given name the word before the surname spells differently."""
        if not preceded_by_other_name(words, match):
            return None
        given = words.keys[match.start - 1]
        found = [
            minister for minister in entry.surname_of
            if any(close_spelling(given, known) or (len(given) == 1 and known[:1] == given)
                   for known in self.given_names[minister])
        ]  # "Sergei Lavrov" for Sergey, "A. Blinken" for Antony Blinken
        return found[0] if len(found) == 1 else None

    def _add(self, by_tag, taxonomy, tag_id, evidence):
        suggestion = by_tag.get((taxonomy, tag_id))
        if suggestion is None:
            suggestion = by_tag[(taxonomy, tag_id)] = Suggestion(
                taxonomy, tag_id, self.names[taxonomy][tag_id]
            )
        suggestion.evidence.append(evidence)
