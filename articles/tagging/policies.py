"""How copy names a policy besides its vocabulary name: the guide's descriptive forms.

"Belt and Road" for the Belt and Road Initiative (a programme's head word dropped),
"the Chennai-Vladivostok corridor" for the Chennai–Vladivostok Maritime Corridor (its
distinctive words and its head, generic words dropped), "an India-UK free trade pact" or
"India-UK FTA" for the India–UK free trade agreement (a synonym of the head), and which
words of a short name must be capitalised for it to be the name rather than a generic
use ("goods made in India" is not Made in India)."""

import re
from itertools import combinations

from articles.tagging.text import Words, normalise_word

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
