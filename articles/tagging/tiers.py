"""The two tiers of a story's references, and how the phrases found are settled into
them: evidence grouped by tag, surnames and shared aliases resolved against the names the
story gives in full (or left ambiguous), venues counted when their country takes part,
and subjects (what the story is about) told apart from mentions (every other
reference). ``matcher`` finds and filters the phrases; this decides what they add up to.
"""

from dataclasses import dataclass, field
from typing import NamedTuple

from articles.models import TAXONOMIES
from articles.tagging.rules import (
    close_spelling,
    preceded_by_other_name,
    salient,
    surname_refers_to,
)

COUNTRIES, MINISTERS = (TAXONOMIES[k].plural for k in ("country", "minister"))
FIELDS = ("headline", "standfirst", "body")


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


def settle(vocabulary, accepted, venues=()):
    """The story's References from the phrases the vocabulary kept: evidence grouped by
    tag; surnames, title and shared aliases settled against the names found in full
    (or left Ambiguous); a capital named as a venue counted when its country takes
    part (one of its ministers); then subjects and mentions told apart."""
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
        _add(vocabulary, by_tag, entry.taxonomy, entry.tag_id, evidence)
    rest = []
    others = set()  # surnames of people in the story who are not in the vocabulary
    for mention in surname_mentions:
        # "Sergei Lavrov" for Sergey Lavrov: the full name in another spelling.
        entry, evidence, words, match = mention
        minister = _spelling_variant(vocabulary, entry, words, match)
        if minister is None:
            rest.append(mention)
            if preceded_by_other_name(words, match):
                others.add(tuple(words.keys[match.start:match.end]))
            continue
        named_ministers.add(minister)
        start = words.start(match.start - 1)
        phrase = words.text[start:words.end(match.end - 1)]
        _add(vocabulary, by_tag, MINISTERS, minister,
                  Evidence(phrase, evidence.field, start, evidence.paragraph))
    for entry, evidence, words, match in titled:
        key = tuple(words.keys[match.start + 1:match.end])
        if entry.shared:
            shared.setdefault((evidence.field, evidence.offset, MINISTERS),
                              [evidence, []])[1].append(entry.tag_id)
        elif entry.tag_id in named_ministers or key not in others:
            _add(vocabulary, by_tag, MINISTERS, entry.tag_id, evidence)
    for entry, evidence, words, match in rest:
        minister, candidates = surname_refers_to(
            entry, words, match, named_ministers, others
        )
        if minister is not None:
            _add(vocabulary, by_tag, MINISTERS, minister, evidence)
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
            _add(vocabulary, by_tag, taxonomy, named[0], evidence)
        else:
            ambiguous.append(Ambiguous(
                taxonomy, evidence.phrase, evidence.paragraph, evidence.offset,
                tuple(sorted(named or candidates)), evidence.field,
            ))
    taking_part = {vocabulary.minister_country.get(tag_id) for taxonomy, tag_id in by_tag
                   if taxonomy == MINISTERS}
    for item in ambiguous:  # "Mr Kim" is one of two Koreans: Korea takes part
        homes = {vocabulary.minister_country.get(tag_id) for tag_id in item.candidates}
        if item.taxonomy == MINISTERS and len(homes) == 1:
            taking_part |= homes
    for field_name, words, match, entry in venues:
        if entry.tag_id in taking_part:
            start = words.start(match.start)
            _add(vocabulary, by_tag, COUNTRIES, entry.tag_id, Evidence(
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

def _spelling_variant(vocabulary, entry, words, match):
    """The minister whose given name the word before the surname spells differently."""
    if not preceded_by_other_name(words, match):
        return None
    given = words.keys[match.start - 1]
    found = [
        minister for minister in entry.surname_of
        if any(close_spelling(given, known) or (len(given) == 1 and known[:1] == given)
               for known in vocabulary.given_names[minister])
    ]  # "Sergei Lavrov" for Sergey, "A. Blinken" for Antony Blinken
    return found[0] if len(found) == 1 else None

def _add(vocabulary, by_tag, taxonomy, tag_id, evidence):
    suggestion = by_tag.get((taxonomy, tag_id))
    if suggestion is None:
        suggestion = by_tag[(taxonomy, tag_id)] = Suggestion(
            taxonomy, tag_id, vocabulary.names[taxonomy][tag_id]
        )
    suggestion.evidence.append(evidence)
