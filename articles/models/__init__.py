"""The app's models: articles, the image library, the three taxonomies and the newsroom's
people (each module says more)."""

from articles.models.addresses import (
    RetiredAddress,
    address_refusal,
    free_slug,
    slug_base,
    slugs_in_use,
)
from articles.models.api_tokens import ApiToken
from articles.models.articles import NEWEST_FIRST, Article, ArticleQuerySet, Correction
from articles.models.authors import ArticleAuthor, Author
from articles.models.autosave import AutosavedCopy, EditorPresence
from articles.models.front_page import FRONT_PAGE_SLOTS, LEAD_POSITION, FrontPageSlot
from articles.models.images import ROLES, Image
from articles.models.invalidation import PendingInvalidation
from articles.models.mentions import (
    MENTION_MODELS,
    AmbiguousMention,
    MentionedCountry,
    MentionedMinister,
    MentionedPolicy,
    public_mention_count,
)
from articles.models.people import Person
from articles.models.tag_merges import TagMerge
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
    "DASHES", "FRONT_PAGE_SLOTS", "LEAD_POSITION", "NEWEST_FIRST", "TAXONOMIES",
    "TAXONOMIES_BY_PLURAL", "ApiToken", "Article", "ArticleAuthor", "ArticleQuerySet", "Author",
    "AutosavedCopy", "Correction", "Country", "EditorPresence", "FrontPageSlot", "Image",
    "Minister", "ROLES",
    "PendingInvalidation", "Person", "Policy", "RetiredAddress", "TagMerge",
    "TaggedCountry", "TaggedMinister", "TaggedPolicy", "Taxonomy", "VocabularyTag",
    "address_refusal", "aliases_default", "free_slug", "slug_base", "slugs_in_use", "taxonomy_of",
    "union_over_taxonomies",
    "MENTION_MODELS", "AmbiguousMention", "MentionedCountry", "MentionedMinister",
    "MentionedPolicy", "public_mention_count",
]
