"""How copy names a policy besides its vocabulary name: the guide's descriptive forms.

"Belt and Road" for the Belt and Road Initiative (a programme's head word dropped),
"the Chennai-Vladivostok corridor" for the Chennai–Vladivostok Maritime Corridor (its
distinctive words and its head, generic words dropped), "an India-UK free trade pact" or
"India-UK FTA" for the India–UK free trade agreement (a synonym of the head), and which
words of a short name must be capitalised for it to be the name rather than a generic
use ("goods made in India" is not Made in India)."""

import re
from bisect import bisect_left
from itertools import combinations

from articles.tagging.text import Words, normalise_phrase, normalise_word

# "India–UK free trade agreement": a policy named after its two parties.
PAIR_NAME_RE = re.compile(
    r"^\s*(\S+?)\s*[-‐‑–—]\s*(\S+)\s+(?:free trade (?:agreement|pact)|FTA|trade agreement|"
    r"comprehensive economic partnership agreement)\s*$", re.IGNORECASE)
# "a free trade pact between India and the UK" (in normalised words).
PAIR_TRIGGER_RE = re.compile(
    r" (?:free trade|fta)(?: (?:pact|deal|agreement|accord|treaty))? (?:talk )?between ")
# "(CEPA)": the story spells out what an acronym stands for.
DEFINED_RE = re.compile(r"\(\s*([A-Z][A-Za-z0-9&-]{1,11})\s*\)")
DASHES = frozenset("-‐‑–—")
SPLIT_RE = re.compile(r"[\s\-‐‑–—]+")
PAIR_RE = re.compile(r"(\w+)\s*[-‐‑–—]\s*(\w+)")
# Words that describe rather than name: a form may leave them out.
GENERIC = frozenset(map(normalise_word, (
    "international", "maritime", "transport", "economic", "comprehensive", "strategic",
    "security", "partnership", "free", "trade", "national", "global", "regional",
    "development", "cooperation", "investment", "energy", "bilateral", "multilateral",
    "joint", "special", "new", "grand", "great",
)))
# Head words a programme's name may drop ("Belt and Road").
DROPPABLE_HEADS = frozenset(map(normalise_word, (
    "initiative", "programme", "scheme", "mission", "campaign", "policy", "plan",
    "project", "strategy", "drive",
)))
HEAD_SYNONYMS = {
    "agreement": ("pact", "deal", "accord", "treaty"),
    "pact": ("agreement", "deal", "accord"),
    "accord": ("agreement", "pact", "deal"),
    "treaty": ("agreement", "pact", "accord"),
    "corridor": ("route",),
}
MAX_GENERIC = 4
# Names up to this many words must be written with the vocabulary's capitals.
SHORT = 3


def capitals_needed(phrase):
    """Word indexes the text must capitalise for a short policy name to count: ("Made",
    "India") in "Made in India"; () for longer names, which are never generic."""
    words = Words(phrase)
    if len(words.keys) > SHORT:
        return ()
    return tuple(i for i in range(len(words.keys)) if phrase[words.start(i)].isupper())


def descriptive_forms(phrase, is_country):
    """Other ways copy names the policy `phrase`: each a phrase string, with the two
    names of a dashed pair also swapped ("Vladivostok-Chennai corridor")."""
    forms = _forms(phrase, is_country)
    pair = PAIR_RE.search(phrase)
    if pair:
        swapped = f"{phrase[:pair.start()]}{pair[2]} {pair[1]}{phrase[pair.end():]}"
        forms |= _forms(swapped, is_country) | {swapped}
    forms.discard(phrase)
    return forms


def _forms(phrase, is_country):
    words = [w for w in SPLIT_RE.split(phrase.strip()) if w]
    if len(words) < 3:
        return set()
    head, body = words[-1], words[:-1]
    head_key = normalise_word(head)
    forms = set()
    if head_key in DROPPABLE_HEADS and len(body) >= 2 and any(w[:1].isupper() for w in body):
        forms.add(" ".join(body))
    generic = [i for i, w in enumerate(body) if normalise_word(w) in GENERIC]
    distinctive = [w for i, w in enumerate(body) if i not in generic]
    if not distinctive or len(generic) > MAX_GENERIC:
        return forms
    only_countries = all(is_country(normalise_word(w)) for w in distinctive)
    # Generic words and heads in any case: only the distinctive words need capitals.
    heads = (head.lower(), *HEAD_SYNONYMS.get(head_key, ()))
    for size in range(len(generic) + 1):
        if only_countries and size == 0:
            continue  # "India-UK agreement" could be any agreement between them
        for subset in combinations(generic, size):
            kept = [w.lower() if i in generic else w
                    for i, w in enumerate(body) if i not in generic or i in subset]
            if len(kept) + 1 < 3 and not (len(kept) == 2 and not only_countries):
                continue
            forms.update(" ".join([*kept, h]) for h in heads)
    keys = [normalise_word(w) for w in body]
    if head_key == "agreement" and keys[-2:] == ["free", "trade"]:
        forms.add(" ".join([*body[:-2], "FTA"]))
    return forms


class PolicyRules:
    """The rules a story's policy references pass, built with the vocabulary: an
    acronym another body has, and an agreement named by its two parties."""

    def __init__(self, phrases, policies, party):
        """`phrases`: normalised key -> {(taxonomy, id): (role, case)}; `party(key,
        phrases)` says which country (or which words) a party's name is."""
        self.words = {}  # policy id -> every word of its names and forms
        self.names = {}  # policy id -> its names and forms of two words or more
        self.acronyms = {}  # acronym key -> policy ids
        for key, claims in phrases.items():
            for (taxonomy, tag_id), (_, case) in claims.items():
                if taxonomy != "policies":
                    continue
                self.words.setdefault(tag_id, set()).update(key)
                if case == "upper":
                    self.acronyms.setdefault(key, set()).add(tag_id)
                elif len(key) > 1:
                    self.names.setdefault(tag_id, []).append(" " + " ".join(key) + " ")
        self.pairs = {}  # frozenset of two parties -> policy id
        for tag_id, name, aliases in policies:
            for phrase in (name, *aliases):
                named = PAIR_NAME_RE.match(phrase)
                if named:
                    parties = frozenset(party(normalise_phrase(p), phrases)
                                        for p in named.groups())
                    self.pairs.setdefault(parties, tag_id)

    def defined_otherwise(self, texts):
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
                before = text[max(0, found.start() - 150):found.start()]
                before = " " + " ".join(normalise_phrase(before)) + " "
                if not any(name in before for tag_id in policies
                           for name in self.names.get(tag_id, ())):
                    defined.add(key)
        return defined

    def may_pair(self, words):
        """Whether the words may name an agreement by its parties (one regex search)."""
        return bool(self.pairs) and PAIR_TRIGGER_RE.search(words.hay) is not None

    def pair_matches(self, words, countries):
        """(start, end, policy id) for "a free trade pact between India and the UK";
        `countries`: word index -> (country id, end) of the countries found there."""
        keys, found = words.keys, []

        def party(index):
            if index < len(keys) and keys[index] == "the":
                index += 1
            if index in countries:
                tag_id, end = countries[index]
                return ("c", tag_id), end
            if index < len(keys):
                return ("k", (keys[index],)), index + 1
            return None, index

        for trigger in PAIR_TRIGGER_RE.finditer(words.hay):
            start = bisect_left(words.hay_starts, trigger.start() + 1)
            first, after = party(bisect_left(words.hay_starts, trigger.end()))
            if first is None or after >= len(keys) or keys[after] != "and":
                continue
            second, end = party(after + 1)
            tag_id = self.pairs.get(frozenset((first, second)))
            if tag_id is not None:
                found.append((start, end, tag_id))
        return found

    def acronym_fits(self, tag_id, match, words, defined):
        """An acronym is another body's when the story spells it out so, or when a
        hyphenated prefix names other parties ("UAE-Israel CEPA", "IA-CEPA")."""
        if tuple(words.keys[match.start:match.end]) in defined:
            return False
        index = match.start - 1
        if index < 0:
            return True
        if not _dashed(words, index, match.start):
            if (_gap(words, index, match.start).strip() or index == 0
                    or not words.text[words.start(index)].isupper()
                    or not _dashed(words, index - 1, index)):
                return True
        prefix = {words.keys[index]}
        while index > 0 and _dashed(words, index - 1, index):
            index -= 1
            prefix.add(words.keys[index])
        return prefix <= self.words.get(tag_id, set())


def _gap(words, left, right):
    return words.text[words.end(left):words.start(right)].lstrip("sS'’")


def _dashed(words, left, right):
    """Two words joined by a dash ("UAE-Israel")."""
    gap = _gap(words, left, right)
    return bool(gap) and all(c in DASHES for c in gap)
