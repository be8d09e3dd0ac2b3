"""The process-wide compiled vocabulary, and the tags an article's text supports."""

import threading

from django.db import connection

from articles.tagging.matcher import CompiledVocabulary

_lock = threading.Lock()
_compiled = {"fingerprint": None, "vocabulary": None}


def vocabulary_fingerprint():
    """A cheap summary of the three tag tables that changes when any name or alias does.

    One query: per table the row count (a deletion), the highest id (an addition) and
    the latest change (any edit; every write to a vocabulary row sets `updated_at`).
    """
    from articles.models import Country, Minister, Policy

    parts = []
    for position, model in enumerate((Country, Minister, Policy)):
        table = connection.ops.quote_name(model._meta.db_table)
        parts.append(
            f"SELECT {position}, COUNT(*), MAX(id), MAX(updated_at) FROM {table}"
        )
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        return tuple(sorted(tuple(row) for row in cursor.fetchall()))


def compile_vocabulary():
    """Build the matcher from the database's countries, ministers and policies."""
    from articles.models import Country, Minister, Policy

    return CompiledVocabulary(
        countries=list(Country.objects.values_list("id", "code", "name", "aliases")),
        ministers=list(Minister.objects.values_list("id", "name", "aliases", "country_id")),
        policies=list(Policy.objects.values_list("id", "name", "aliases")),
    )


def get_vocabulary():
    """The compiled vocabulary, rebuilt only when the tag tables have changed."""
    fingerprint = vocabulary_fingerprint()
    with _lock:
        if _compiled["fingerprint"] != fingerprint:
            _compiled["vocabulary"] = compile_vocabulary()
            _compiled["fingerprint"] = fingerprint
        return _compiled["vocabulary"]


def suggest_tags(article, *, vocabulary=None):
    """The tags the article's text supports, with evidence, whether applied or not."""
    vocabulary = vocabulary or get_vocabulary()
    return vocabulary.tag(
        headline=article.headline, standfirst=article.standfirst, body=article.body
    )


def find_references(article, *, vocabulary=None):
    """Every reference in the article's text: References(subjects, mentions, ambiguous).

    `subjects` is exactly what `suggest_tags` returns; `mentions` holds, per taxonomy, the
    other references (a minister named once in passing), each with its evidence;
    `ambiguous` the names that could mean several tags and so are neither.
    """
    vocabulary = vocabulary or get_vocabulary()
    return vocabulary.references(
        headline=article.headline, standfirst=article.standfirst, body=article.body
    )


def new_suggestions(article, *, vocabulary=None):
    """Suggestions for tags the article does not carry yet."""
    suggestions = suggest_tags(article, vocabulary=vocabulary)
    if article.pk is None:
        return suggestions
    # .all() uses tags prefetched by the caller (the admin list action does).
    present = {taxonomy: {tag.id for tag in getattr(article, taxonomy).all()}
               for taxonomy in suggestions}
    return {
        taxonomy: [s for s in items if s.tag_id not in present[taxonomy]]
        for taxonomy, items in suggestions.items()
    }
