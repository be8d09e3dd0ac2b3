"""The app's models: articles and the three taxonomies (each module says more)."""

from articles.models.articles import NEWEST_FIRST, Article, ArticleQuerySet, Correction
from articles.models.autosave import AutosavedCopy, EditorPresence
from articles.models.invalidation import PendingInvalidation
from articles.models.vocabulary import (
    DASHES,
    TAXONOMIES,
    TAXONOMIES_BY_PLURAL,
    Country,
    Minister,
    Policy,
    TaggedCountry,
    TaggedMinister,
    TaggedPolicy,
    Taxonomy,
    VocabularyTag,
    aliases_default,
    taxonomy_of,
    union_over_taxonomies,
)

__all__ = [
    "DASHES", "NEWEST_FIRST", "TAXONOMIES", "TAXONOMIES_BY_PLURAL", "Article",
    "ArticleQuerySet", "AutosavedCopy", "Correction", "Country", "EditorPresence", "Minister",
    "PendingInvalidation", "Policy",
    "TaggedCountry", "TaggedMinister", "TaggedPolicy", "Taxonomy", "VocabularyTag",
    "aliases_default", "taxonomy_of", "union_over_taxonomies",
]
