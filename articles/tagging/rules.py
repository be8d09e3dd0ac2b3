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
    # Short forms wire copy uses ("PM Modi", "EAM Jaishankar", "Gen. Asif", "Shri").
    "pm", "fm", "eam", "sen", "rep", "gov", "gen", "amb", "lt", "col", "adm", "maj", "capt",
    "shri", "smt", "sultan", "vice", "chief", "crown", "home", "interior", "finance",
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
    "defence", "aerospace", "railways", "electric", "radio", "prison", "institute",
})

# Capitalised words that are seldom a surname used alone.
NOT_A_PERSON = frozenset({
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "monday", "tuesday", "wednesday", "thursday",
    "friday", "saturday", "sunday", "god", "parliament", "congress", "senate",
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
    """The text between two words, less a plural or possessive "s" the key left out
    ("Paris Agreement": the key is "pari")."""
    return _raw_gap(words, before, after).lstrip("sS'’")


def _raw_gap(words, before, after):
    """The text between two words as written ("'s " after "Jordan's")."""
    return words.text[words.end(before):words.start(after)]


def preceded_by_other_name(words, match):
    """'Manmohan Singh' is not minister Singh: a capitalised given name sits before."""
    index = match.start - 1
    if index < 0 or not _is_capitalised(words, index):
        return False
    gap = _raw_gap(words, index, match.start)
    if gap.strip():
        return False
    previous = words.text[words.start(index):words.end(index)]
    if previous.endswith(("'s", "’s")):
        return False
    return words.keys[index] not in TITLES and words.keys[index] not in SENTENCE_STARTERS


def surname_refers_to(entry, words, match, named_ministers, others=frozenset()):
    """Whom a bare surname means here: (minister, ()) when one, (None, candidates) when
    it could be several (the story names both or neither), (None, ()) when it is
    someone else's name.

    A surname counts for the minister named in full in the story; when none is, for
    the one minister who has it ("Lavrov", "Mr Lavrov", "Foreign Minister Lavrov"),
    unless the story names someone else so ("Rahul Gandhi"; `others` holds such
    surnames) or the word is used otherwise ("May", "Lavrov Street"). A name two
    ministers share counts only when exactly one of them is named in full.
    """
    if preceded_by_other_name(words, match):
        return None, ()
    candidates = set(entry.surname_of)
    before = match.start - 1
    titled = before >= 0 and words.keys[before] in TITLES
    if titled:
        candidates |= set(entry.given_of)
    named = candidates & named_ministers
    if len(named) == 1:
        return named.pop(), ()
    if len(named) > 1:
        return None, tuple(sorted(named))
    key = tuple(words.keys[match.start:match.end])
    if key in others:
        return None, ()
    alone = set(entry.surname_of)
    if len(alone) > 1:
        return None, tuple(sorted(alone))
    if not alone:
        return None, ()
    if titled or alone == set(entry.explicit) or _bare_surname(words, match, key):
        return alone.pop(), ()
    return None, ()


def _bare_surname(words, match, key):
    """A surname alone, used of a person: not a month or a word of another name."""
    if len(key) == 1 and key[0] in NOT_A_PERSON:
        return False
    after = match.end
    if after < len(words.keys) and not _gap(words, match.end - 1, after).strip():
        return not _is_capitalised(words, after)
    return True


def is_a_place(words, match):
    """'in Vienna' is where talks were held; 'officials in Vienna' speak for Austria."""
    before = match.start - 1
    if before < 0 or words.keys[before] not in LOCATIVES:
        return False
    return before == 0 or words.keys[before - 1] not in GOVERNMENT_WORDS


def names_a_person(words, match):
    """'Michael Jordan', 'Ms Jordan' or 'Chad Smith': the country name is a person's."""
    before = match.start - 1
    if before >= 0 and not _raw_gap(words, before, match.start).strip():
        if words.keys[before] in HONORIFICS:
            return True
        if _is_capitalised(words, before) and words.keys[before] not in SENTENCE_STARTERS:
            previous = words.text[words.start(before):words.end(before)]
            if not previous.endswith(("'s", "’s")) and words.keys[before] not in TITLES:
                return True
    after = match.end
    if after < len(words.keys) and not _raw_gap(words, match.end - 1, after).strip():
        if _is_capitalised(words, after) and words.keys[after] not in NOT_A_SURNAME:
            # ("UAE-Israel CEPA": an acronym after the name is no surname.)
            return not words.text[words.start(after):words.end(after)].isupper()
    return False


def paragraph_has(words, match, clues):
    """A clue to another meaning ("Atlanta" for Georgia) in the same paragraph."""
    text = words.text
    start = text.rfind("\n", 0, words.start(match.start)) + 1
    end = text.find("\n", words.end(match.end - 1))
    end = len(text) if end == -1 else end
    keys = " " + " ".join(normalise_phrase(text[start:end])) + " "
    return any(" " + " ".join(clue) + " " in keys for clue in clues)


# "Gulf of Mexico", "Irish Sea", "Taiwan Strait", "Lake Chad": a place named after a
# country is not that country.
GEO_OF = frozenset(map(normalise_word, ("gulf", "sea", "strait", "straits", "bay", "isthmus")))
GEO_BEFORE = frozenset({"lake", "mount", "mt"})
GEO_AFTER = frozenset(map(normalise_word, (
    "sea", "strait", "gulf", "peninsula", "ocean", "channel", "canal", "river", "basin",
    "delta", "bight", "trench", "plateau", "highlands", "desert", "archipelago",
)))
# Heads of the names of pacts, corridors and bodies: "the China-Pakistan Economic
# Corridor" names neither country.
ORG_HEADS = frozenset(map(normalise_word, (
    "agreement", "pact", "corridor", "accord", "treaty", "initiative", "partnership",
    "alliance", "forum", "council", "commission", "organisation", "organization", "union",
    "community", "bank", "fund", "framework", "zone", "programme", "fta",
)))
ORG_FILLERS = frozenset(map(normalise_word, (
    "free", "trade", "economic", "comprehensive", "strategic", "maritime", "transport",
    "security", "nuclear", "investment", "defence", "energy", "development", "cooperation",
    "and", "of", "for", "the", "friendship", "business", "industrial",
)))
DASHES = frozenset("-‐‑–—")
# Words before a name that make it a person's: "a player called Chad".
PERSON_CUES = frozenset(map(normalise_word, (
    "called", "named", "nicknamed", "player", "striker", "midfielder", "defender",
    "goalkeeper", "coach", "actor", "actress", "singer", "rapper", "son", "daughter",
    "brother", "sister", "wife", "husband", "teammate", "quarterback", "winger", "boy",
)))
# "In Moscow, the central bank said": the country's own institutions act there.
ACTING = GOVERNMENT_WORDS | frozenset(map(normalise_word, (
    "court", "courts", "parliament", "police", "prosecutors", "lawmakers", "regulators",
    "central", "president", "premier", "kremlin", "cabinet", "army", "military",
)))
NEUTRAL = frozenset({"between", "with", "hosted", "hosts", "mediated", "venue"})


def _joined(words, left, right):
    """Two neighbouring words written as one hyphenated word ("China-Pakistan")."""
    gap = _gap(words, left, right)
    return bool(gap) and all(c in DASHES for c in gap)


def geographic_feature(words, match):
    """'Gulf of Mexico', 'the Irish Sea', 'Lake Chad', 'Korean peninsula'."""
    keys, before, after = words.keys, match.start - 1, match.end
    if before >= 1 and keys[before] == "of" and keys[before - 1] in GEO_OF:
        return _is_capitalised(words, before - 1)
    if before >= 0 and keys[before] in GEO_BEFORE and _is_capitalised(words, before):
        return not _gap(words, before, match.start).strip()
    return after < len(keys) and keys[after] in GEO_AFTER and not _gap(
        words, after - 1, after).strip()


def inside_a_pact_name(words, match):
    """'the China-Pakistan Economic Corridor', 'a US-Mexico-Canada Agreement': a country
    in a hyphenated run of names before the head of a pact's or body's name."""
    text, start, end = words.text, match.start, match.end - 1
    before, after = words.start(start) - 1, words.end(end)
    following = text[after:after + 3].lstrip("sS'’")[:1]
    if not ((before >= 0 and text[before] in DASHES) or following in DASHES):
        return False
    while start > 0 and _joined(words, start - 1, start):
        start -= 1
    while end + 1 < len(words.keys) and _joined(words, end, end + 1):
        end += 1
    if start == match.start and end == match.end - 1:
        return False
    for index in range(end + 1, min(end + 6, len(words.keys))):
        key = words.keys[index]
        if key in ORG_HEADS:
            return True
        if key not in ORG_FILLERS and not _is_capitalised(words, index):
            return False
    return False


def a_town_in_a_state(words, match, states):
    """'Lebanon, Pennsylvania' and 'Moscow, Idaho' are towns."""
    after = match.end
    if after >= len(words.keys) or words.keys[after] not in states:
        return False
    if "," not in _gap(words, after - 1, after):
        return False
    return any(tuple(words.keys[after:after + len(state)]) == state
               for state in states[words.keys[after]])


def called_a_person(words, match):
    before = match.start - 1
    return before >= 0 and words.keys[before] in PERSON_CUES


def institutions_act(words, match):
    """'In Moscow, the central bank said': a government word soon after, in the sentence,
    and no sign of a neutral venue ('between', 'with')."""
    for index in range(match.end, min(match.end + 6, len(words.keys))):
        if any(c in ".!?\n" for c in _gap(words, index - 1, index)):
            return False
        key = words.keys[index]
        if key in NEUTRAL:
            return False
        if key in ACTING:
            return True
    return False


def sentence_has(words, match, clues):
    """A clue to another meaning ("roasted" for turkey) in the same sentence."""
    text = words.text
    start = max(text.rfind(mark, 0, words.start(match.start)) for mark in ".!?\n") + 1
    ends = [i for i in (text.find(m, words.end(match.end - 1)) for m in ".!?\n") if i != -1]
    end = min(ends) if ends else len(text)
    keys = " " + " ".join(normalise_phrase(text[start:end])) + " "
    return any(" " + " ".join(clue) + " " in keys for clue in clues)


def transliterations(surname):
    """Common other spellings of a transliterated surname: Zelenskyy, Zelensky,
    Zelenskiy, Zelenski; doubled letters single (Shoigu, Netanyahu have none)."""
    word = surname.lower()
    if not word.isalpha() or len(word) < 5:
        return set()
    variants = set()
    stem = word.rstrip("iy")
    if stem != word and len(stem) >= 4:
        variants.update(stem + ending for ending in ("y", "i", "iy", "yi", "ii", "yy"))
    single = re.sub(r"(.)\1", r"\1", word)
    if single != word:
        variants.add(single)
    variants.discard(word)
    return {variant[:1].upper() + variant[1:] for variant in variants}


# "the Paris Agreement", "the Minsk accords", "the Kyoto Protocol": a treaty named after a
# capital is not that country's.
TREATY_HEADS = frozenset(map(normalise_word, (
    "agreement", "agreements", "accord", "accords", "treaty", "protocol", "convention",
    "club", "process", "consensus", "declaration", "principles", "format", "communique",
)))


def names_a_treaty_or_place(words, match):
    """A capital in the name of a treaty ("Paris Agreement") or used of a place
    ("a Washington-based group") rather than of its government."""
    after = match.end
    if after >= len(words.keys):
        return False
    key = words.keys[after]
    if key != "based" and key not in TREATY_HEADS:
        return False
    gap = _gap(words, after - 1, after)
    if key == "based":
        return bool(gap) and all(c in DASHES for c in gap)
    return not gap.strip()
