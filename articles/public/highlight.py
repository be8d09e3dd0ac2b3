"""Search results as readers see them: the passage of each article where the query's
words are, the words marked, in the listing's own card."""

import re
from dataclasses import replace

from django.template.loader import get_template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles.caching import dependencies
from articles.caching.state import remember_many
from articles.platform.text import html_to_text
from articles.public.selectors import CARD_TEMPLATE

MAX_WORDS = 8
# Marks where a cached result card takes its snippet (private-use characters around
# a name: not something an article's headline or tags would hold).
SNIPPET_SLOT = "\ue002search-snippet\ue002"
# Endings the English stemmer removes (or the word forms it folds together): a
# lexeme "pipelin" stands for pipeline and pipelines, "trade" for trading and traded.
WORD_ENDINGS = (
    "s|es|ed|d|ing|ings|ingly|edly|ly|y|er|ers|ion|ions|ment|ments|ness|al|ally|ive|ity"
    "|ities|ous|ance|ence|ent|ism|ize|ized|izes|izing|ic|ical|ate|ated|ates|ating|ation"
    "|ations|ful|able|ably|ible"
)
SNIPPET_CONTEXT, SNIPPET_LENGTH = 80, 280
_SPACES = re.compile(r"\s+")


def _word_pattern(word, stems):
    """A regular expression for the written forms of a word, or of a stem's family."""
    if not stems:
        return re.escape(word)
    core = word[:-1] if len(word) > 3 and word[-1] in "ei" else word
    # "polici" is written policy or policies; a final e may be dropped ("pipelin").
    join = "(?:i|y|ie)" if word[len(core):] == "i" else "e?"
    # A doubled final consonant: "ship" in shipping.
    double = f"{re.escape(core[-1])}?" if core[-1:].isalpha() and core[-1] not in "aeiouy" else ""
    return f"{re.escape(core)}{double}{join}(?:{WORD_ENDINGS}){{0,2}}(?:'s)?"


class Highlighter:
    """Finds a result's passage where the query's words are and marks them.

    ``stems`` (PostgreSQL's lexemes, stop words already left out) also mark the
    words of the same family ("trading" for "trade"), as the full-text match found
    them; plain words are marked whole only, never "in" inside "jointly".
    """

    def __init__(self, words, *, stems=False):
        words = list(dict.fromkeys(w.lower() for w in words if w))[:MAX_WORDS]
        # One expression per word, each starting with its letters, so the regex engine
        # can skip ahead to them; matched on lower-cased text. Case-insensitive
        # expressions are much slower and serve only text whose length lower() changes.
        sources = [rf"{_word_pattern(word, stems)}(?!\w)" for word in words]
        self.patterns = [re.compile(source) for source in sources]
        self.folded = [re.compile(source, re.IGNORECASE) for source in sources]

    def find(self, text):
        """(start, end, which word) of each of the query's words in ``text``, in order."""
        lowered = text.lower()
        patterns = self.patterns
        if len(lowered) != len(text):
            lowered, patterns = text, self.folded
        found = [
            (m.start(), m.end(), i)
            for i, pattern in enumerate(patterns)
            for m in pattern.finditer(lowered)
            if not m.start() or not _is_word_char(text[m.start() - 1])
        ]
        return sorted(found)

    def snippet(self, article):
        """Safe HTML: a passage of the standfirst and body, the query's words in <mark>."""
        # Every tag a space, and runs of spaces left for the passage shown to fold:
        # folding a whole body costs more than finding the words in it.
        text = html_to_text(f"{article.standfirst} {_body(article)}", block_end=" ",
                            tag=" ").strip()
        found = self.find(text)
        first = _best_passage(found) if found else 0
        start = text.rfind(" ", 0, max(0, first - SNIPPET_CONTEXT)) + 1 if first else 0
        end = start + SNIPPET_LENGTH
        if end < len(text):
            end = max(text.rfind(" ", start + SNIPPET_LENGTH // 2, end), first + 1, end - 40)
        parts = []
        position = start
        for match_start, match_end, _ in found:
            if match_start < position or match_end > end:
                continue
            parts += [_passage(text[position:match_start]), "<mark>",
                      escape(text[match_start:match_end]), "</mark>"]
            position = match_end
        parts.append(_passage(text[position:end]))
        passage = "".join(parts).strip()
        return mark_safe(  # noqa: S308 - every piece of text escaped
            f"{'… ' if start else ''}{passage}{' …' if end < len(text) else ''}"
        )


def _passage(text):
    """Escaped, with runs of spaces (paragraph breaks) folded into one."""
    return escape(_SPACES.sub(" ", text))


def _is_word_char(char):
    return char.isalnum() or char == "_"


def _best_passage(found):
    """Where the passage starts: at the match followed by the most different words."""
    best, best_count = found[0][0], 0
    for i, (start, _, _) in enumerate(found[:50]):
        reach = start + SNIPPET_LENGTH - SNIPPET_CONTEXT
        words = {word for s, _, word in found[i:i + 50] if s < reach}
        if len(words) > best_count:
            best, best_count = start, len(words)
    return best


def _body(article):
    return "" if "body" in article.get_deferred_fields() else article.body


def result_cards_html(cards, highlighter):
    """The result cards' HTML in order, each with its snippet.

    A result card is the listing card with a snippet in place of the standfirst. Its
    HTML is rendered once per article version with a slot for the snippet and kept
    like the listing cards (articles.caching), so a search renders no card templates
    once its articles have been shown; each search fills in its own snippets.
    """
    card_template = get_template(CARD_TEMPLATE)

    def render(card, snippet):
        return card_template.render({"card": replace(card, snippet=snippet)})

    def key(card):
        return f"{card.article.pk}.{card.article.version}"

    slotted = {key(card): card for card in cards}
    cached = remember_many(
        "search-card", slotted,
        lambda missing: {k: render(slotted[k], SNIPPET_SLOT) for k in missing},
        depends_on=lambda k: {dependencies.article(slotted[k].article.pk)},
    )
    html_parts = []
    for card in cards:
        snippet = highlighter.snippet(card.article)
        # An article with no text has no snippet: its card shows what a listing shows.
        part = cached[key(card)].replace(SNIPPET_SLOT, snippet) if snippet else render(card, "")
        html_parts.append(part)
    return mark_safe("".join(html_parts))  # noqa: S308 - rendered by our own templates
