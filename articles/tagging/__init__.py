"""The auto-tagger: text in, tags out (with the phrase each was found from).

``suggest_tags(article)`` and ``new_suggestions(article)`` are the API
(``articles.tagging.suggest``); ``matcher`` compiles the vocabulary into one automaton,
``text`` normalises words, ``rules`` rejects false friends, ``countries`` knows every
way copy names a country, and ``vocabulary`` loads the newsroom's vocabulary file. It
knows no page, no admin and no request. See docs/TAGGING.md.
"""

from articles.tagging.matcher import FIELDS, CompiledVocabulary, Evidence, Suggestion
from articles.tagging.suggest import (
    compile_vocabulary,
    get_vocabulary,
    new_suggestions,
    suggest_tags,
    vocabulary_fingerprint,
)
from articles.tagging.text import normalise_phrase, normalise_text

__all__ = [
    "FIELDS", "CompiledVocabulary", "Evidence", "Suggestion", "compile_vocabulary",
    "get_vocabulary", "new_suggestions", "normalise_phrase", "normalise_text",
    "suggest_tags", "vocabulary_fingerprint",
]
