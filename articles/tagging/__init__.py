"""The auto-tagger: text in, tags out (with the phrase each was found from).

``suggest_tags(article)``, ``find_references(article)`` (subjects, mentions and
ambiguous names) and ``new_suggestions(article)`` are the API
(``articles.tagging.suggest``); ``matcher`` compiles the vocabulary into one automaton,
``text`` normalises words, ``rules`` rejects false friends, ``countries`` knows every
way copy names a country, and ``vocabulary`` loads the newsroom's vocabulary file. It
knows no page, no admin and no request. See docs/TAGGING.md.
"""

from articles.tagging.matcher import (
    FIELDS,
    Ambiguous,
    CompiledVocabulary,
    Evidence,
    References,
    Suggestion,
)
from articles.tagging.suggest import (
    compile_vocabulary,
    find_references,
    get_vocabulary,
    new_suggestions,
    suggest_tags,
    vocabulary_fingerprint,
)
from articles.tagging.text import normalise_phrase, normalise_text

__all__ = [
    "FIELDS", "Ambiguous", "CompiledVocabulary", "Evidence", "References", "Suggestion",
    "compile_vocabulary", "find_references", "get_vocabulary", "new_suggestions",
    "normalise_phrase", "normalise_text", "suggest_tags", "vocabulary_fingerprint",
]
