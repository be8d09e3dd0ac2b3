"""Which full-text searches a write changes (PostgreSQL): the words of the articles'
search vectors, as dependency keys (``dependencies.search_word``).

An article's search vector (a trigger keeps it, migration 0004) holds each word's
lexeme with its positions and weights (A headline, B standfirst, C body). A search's
results change when an article with one of its words joins or leaves them, or when the
count or weight of one of its words in an article changes: its rank. Elsewhere (SQLite)
there is no vector, and search depends on every write (``dependencies.SEARCH``).
"""

import re

from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import F, Func, TextField
from django.db.models.functions import Cast

from articles.caching import dependencies

# One lexeme of a tsvector or tsquery as PostgreSQL writes it ('it''s', 'a\\b'), with its
# positions and weights in a vector ('trade':3A,17,40).
_ENTRY = re.compile(r"'((?:[^'\\]|''|\\.)*)'(?::([0-9A-D,]+))?")
_ESCAPE = re.compile(r"''|\\(.)")


def unquote(token):
    """A lexeme as PostgreSQL quotes it, back to its text."""
    return _ESCAPE.sub(lambda m: m.group(1) or "'", token)


def lexemes(text):
    """{lexeme: its (weight, position) pairs, sorted} of a tsvector or tsquery written as
    text (a tsquery's lexemes have none).

    Each position counts from the first of its weight: the headline (A), standfirst (B)
    and body (C) follow each other in the vector, so a longer headline moves every later
    position without changing what the standfirst or body say.
    """
    entries = []
    for token, positions in _ENTRY.findall(text or ""):
        pairs = []
        for position in filter(None, positions.split(",")):
            weight = position[-1] if position[-1].isalpha() else "D"
            pairs.append((weight, int(position.rstrip("ABCD"))))
        entries.append((unquote(token), pairs))
    first = {}
    for _word, pairs in entries:
        for weight, position in pairs:
            first[weight] = min(first.get(weight, position), position)
    return {word: tuple(sorted((weight, position - first[weight]) for weight, position in pairs))
            for word, pairs in entries}


def changed(before, after):
    """The keys of the searches a change of an article's vector from ``before`` to
    ``after`` (each as text, None for none) changes: the words added, removed, or found
    a different number of times, with a different weight or at a different place in
    their part of the story (a phrase, and the distance between two words a ranking
    weighs, may have changed). An edit inside the body moves every word after it."""
    old, new = lexemes(before), lexemes(after)
    return keys({word for word in old.keys() | new.keys() if old.get(word) != new.get(word)})


def keys(words):
    return {dependencies.search_word(word) for word in words}


def in_use():
    """True where searches depend on their words (PostgreSQL's full-text search)."""
    return connection.vendor == "postgresql"


def vector_text():
    """The search vector as text, for ``values_list``."""
    return Cast("search_vector", TextField())


def of_articles(article_ids):
    """The keys of every word of these articles (they join or leave results)."""
    from articles.models import Article

    article_ids = list(article_ids)
    if not in_use() or not article_ids:
        return set()
    words = (
        Article.objects.using("default").filter(pk__in=article_ids)
        .annotate(word=Func(Func(F("search_vector"), function="tsvector_to_array",
                                 output_field=ArrayField(TextField())),
                            function="unnest", output_field=TextField()))
        # No ordering: Article's would join the DISTINCT, one row per word and article
        # (154,651 rows for 3,000 restored stories where 5,000 words are distinct).
        .order_by().values_list("word", flat=True).distinct()
    )
    return keys(words)
