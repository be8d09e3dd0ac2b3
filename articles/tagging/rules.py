"""The rules that reject false friends among the phrases found: a capital used as a place,
a country that is a person's name, a surname that is someone else's, a minister named
only in passing. Each works on a field's Words (``articles.tagging.text``) and a match's
word indexes."""

import re

from articles.tagging.text import normalise_phrase, normalise_word

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

HONORIFICS = frozenset(map(normalise_word, HONORIFICS))
TITLES = frozenset(map(normalise_word, TITLES))
SENTENCE_STARTERS = frozenset(map(normalise_word, SENTENCE_STARTERS))
GOVERNMENT_WORDS = frozenset(map(normalise_word, GOVERNMENT_WORDS))
NOT_A_SURNAME = frozenset(map(normalise_word, NOT_A_SURNAME))


SPEAKS_AFTER = re.compile(
    r"^[^.!?\n]{0,30}?\b(said|says|told|tells|announced|announces|added|adds|warned|"
    r"urged|insisted|stated|declared|argued|replied|noted|wrote|confirmed|denied)\b",
    re.IGNORECASE,
)
SPEAKS_BEFORE = re.compile(r"\b(said|says|according to|told by)\W*$", re.IGNORECASE)


def salient(suggestion, texts):
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


def close_spelling(word, known):
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


def _is_capitalised(words, index):
    return words.text[words.start(index):words.start(index) + 1].isupper()


def _gap(words, before, after):
    return words.text[words.end(before):words.start(after)]


def preceded_by_other_name(words, match):
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


def surname_refers_to(entry, words, match, named_ministers):
    """Whom a bare surname means here: (minister, ()) when one, (None, candidates) when
    it could be several (the story names both or neither), (None, ()) when it is
    someone else's name.

    A family name counts once that minister's full name is in the story; a word the
    vocabulary itself lists as an alias ("Jaishankar") counts alone. A name two
    ministers share counts only when exactly one of them is named in full.
    """
    if preceded_by_other_name(words, match):
        return None, ()
    candidates = set(entry.surname_of)
    before = match.start - 1
    if before >= 0 and words.keys[before] in TITLES:
        candidates |= set(entry.given_of)
    named = candidates & named_ministers
    if len(named) == 1:
        return named.pop(), ()
    if len(named) > 1:
        return None, tuple(sorted(named))
    if len(candidates) == 1:
        if candidates == set(entry.explicit):
            return candidates.pop(), ()
        return None, ()
    return None, tuple(sorted(candidates))


def is_a_place(words, match):
    """'in Vienna' is where talks were held; 'officials in Vienna' speak for Austria."""
    before = match.start - 1
    if before < 0 or words.keys[before] not in LOCATIVES:
        return False
    return before == 0 or words.keys[before - 1] not in GOVERNMENT_WORDS


def names_a_person(words, match):
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


def paragraph_has(words, match, clues):
    """A clue to another meaning ("Atlanta" for Georgia) in the same paragraph."""
    text = words.text
    start = text.rfind("\n", 0, words.start(match.start)) + 1
    end = text.find("\n", words.end(match.end - 1))
    end = len(text) if end == -1 else end
    keys = " " + " ".join(normalise_phrase(text[start:end])) + " "
    return any(" " + " ".join(clue) + " " in keys for clue in clues)
