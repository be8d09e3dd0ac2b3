"""The newsroom's three taxonomies: countries, ministers, policies, and the registry
(``TAXONOMIES``) that names each one, its model, its through rows and its pages."""

import json
import re
from dataclasses import dataclass

import reversion
from django.db import connections, models
from django.db.models import Case, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import pgettext_lazy
from taggit.models import NaturalKeyManager, TagBase, TaggedItemBase

from articles.platform.text import PlainTextValidator

DASHES = re.compile(r"[\u2010-\u2015\u2212]")
PLAIN_TEXT = [PlainTextValidator()]
NAME_TEXT = [PlainTextValidator(names=True)]


def aliases_default():
    return []


def name_slug(name):
    """The slug a name makes: ASCII where the name allows ("sergey-lavrov"); a name in
    another script keeps its letters ("王毅"); dashes join words ("North–South Corridor"
    is north-south-corridor). Empty for a name with no letter or digit."""
    name = DASHES.sub(" ", name)
    return slugify(name) or slugify(name, allow_unicode=True)


class VocabularyQuerySet(models.QuerySet):
    def named(self, text, *, slug=False):
        """The entries ``text`` names: by name or one of their aliases, whatever the case
        and spacing typed ("sergey  LAVROV"), whole, never a fragment ("oman" is not
        Romania); with ``slug``, also the entry whose slug the text makes (a link's
        "sergey-lavrov", a file's "S. Jaishankar"). An entry called so comes first.
        """
        text = " ".join(str(text).split())
        if not text:
            return self.none()
        # An alias matches whole: its JSON string, quotes included, in the stored list
        # (SQLite stores JSON with \u escapes, PostgreSQL's jsonb prints the characters).
        postgresql = connections[self.db].vendor == "postgresql"
        alias = json.dumps(text, ensure_ascii=not postgresql)
        found = Q(name__iexact=text) | Q(aliases__icontains=alias)
        if slug and (made := name_slug(text)):
            found |= Q(slug=made)
        called = Case(When(name__iexact=text, then=Value(0)), default=Value(1))
        return self.filter(found).order_by(called, "name")


class VocabularyTag(TagBase):
    """A taxonomy entry: a name, its slug and the other names the text may use."""

    # taggit's name, refusing control characters.
    name = models.CharField(
        verbose_name=pgettext_lazy("A tag name", "name"), unique=True, max_length=100,
        validators=NAME_TEXT,
    )
    aliases = models.JSONField(
        default=aliases_default,
        blank=True,
        validators=NAME_TEXT,
        help_text="Other names the copy may use, one per line: spellings, surnames, "
        "demonyms, capitals. The auto-tagger and search use them.",
    )
    # Lets the auto-tagger notice any change to the vocabulary with one cheap query.
    updated_at = models.DateTimeField(auto_now=True)

    # taggit's manager (natural keys), with the verbs the newsroom adds: named().
    objects = NaturalKeyManager.from_queryset(VocabularyQuerySet)()

    class Meta:
        abstract = True
        ordering = ["name"]

    def slugify(self, tag, i=None):
        slug = name_slug(tag) or "entry"
        return f"{slug}-{i}" if i is not None else slug

    def all_names(self):
        return [self.name, *self.aliases]

    @property
    def taxonomy(self):
        return taxonomy_of(type(self))


class Country(VocabularyTag):
    code = models.CharField(
        "ISO code", max_length=2, unique=True, help_text="ISO 3166-1 alpha-2, e.g. IN."
    )

    class Meta(VocabularyTag.Meta):
        verbose_name_plural = "countries"

    def get_absolute_url(self):
        return reverse("articles:country-detail", kwargs={"slug": self.slug})


class Minister(VocabularyTag):
    office = models.CharField(
        max_length=200, blank=True, help_text="e.g. Minister of External Affairs.",
        validators=NAME_TEXT,
    )
    country = models.ForeignKey(
        Country,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ministers_of",
        help_text="The country the minister serves.",
    )
    in_office_from = models.DateField(null=True, blank=True)
    in_office_to = models.DateField(null=True, blank=True)
    photo = models.ForeignKey(
        "Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A portrait from the image library, shown on the minister's page.",
    )

    class Meta(VocabularyTag.Meta):
        pass

    def get_absolute_url(self):
        return reverse("articles:minister-detail", kwargs={"slug": self.slug})


class Policy(VocabularyTag):
    description = models.TextField(
        blank=True, help_text="One or two sentences for readers.", validators=PLAIN_TEXT
    )

    class Meta(VocabularyTag.Meta):
        verbose_name_plural = "policies"

    def get_absolute_url(self):
        return reverse("articles:policy-detail", kwargs={"slug": self.slug})


class TagRowQuerySet(models.QuerySet):
    def published(self, now=None):
        """Rows of public articles: ``Article.objects.published()``'s rule, read from the
        publication time each row carries (``TagRow.published_at``)."""
        return self.filter(published_at__lte=now or timezone.now())


class TagRow(TaggedItemBase):
    """One article's tag in one taxonomy (taggit's through model), at most once.

    Each row carries its article's publication time while the article is published
    (``Article.listed_at``; kept by ``Article.save()`` and by a pre-save receiver for
    new rows, set by bulk inserts), so a tag's newest or latest-month articles, and its
    last publication, are read from the tag's own rows in index order: at a million
    articles the joins to the article table took 0.3 to 3.7 s (docs/PERFORMANCE.md).
    """

    published_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = NaturalKeyManager.from_queryset(TagRowQuerySet)()

    class Meta:
        abstract = True
        unique_together = [("content_object", "tag")]
        indexes = [
            # A tag's latest articles, and its last publication.
            models.Index(fields=["tag", "-published_at", "-content_object"],
                         name="%(class)s_latest"),
            # The tags of a recent window (the most covered this month), index only.
            models.Index(fields=["published_at", "tag"], name="%(class)s_recent"),
        ]


@reversion.register(exclude=("published_at",))
class TaggedCountry(TagRow):
    # Indexed first in TagRow's "latest" index.
    tag = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="tagged_items",
                            db_index=False)
    content_object = models.ForeignKey(
        "Article", on_delete=models.CASCADE, related_name="tagged_countries"
    )


@reversion.register(exclude=("published_at",))
class TaggedMinister(TagRow):
    # Indexed first in TagRow's "latest" index.
    tag = models.ForeignKey(Minister, on_delete=models.CASCADE, related_name="tagged_items",
                            db_index=False)
    content_object = models.ForeignKey(
        "Article", on_delete=models.CASCADE, related_name="tagged_ministers"
    )


@reversion.register(exclude=("published_at",))
class TaggedPolicy(TagRow):
    # Indexed first in TagRow's "latest" index.
    tag = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="tagged_items",
                            db_index=False)
    content_object = models.ForeignKey(
        "Article", on_delete=models.CASCADE, related_name="tagged_policies"
    )


@dataclass(frozen=True)
class Taxonomy:
    """One of the three vocabularies: its names, and how articles reach it."""

    key: str  # "country": URL names, tag links, filters, search parameters
    plural: str  # "countries": Article's TaggableManager, addresses, file sections
    label: str  # "Countries": the heading editors and readers see
    model: type
    through: type
    article_relation: str  # Article's reverse name for the through rows
    weight: int  # a shared minister or policy says more about relatedness than a country

    @property
    def detail_url_name(self):
        return f"articles:{self.key}-detail"


TAXONOMIES = {
    taxonomy.key: taxonomy for taxonomy in (
        Taxonomy("country", "countries", "Countries", Country, TaggedCountry,
                 "tagged_countries", weight=1),
        Taxonomy("minister", "ministers", "Ministers", Minister, TaggedMinister,
                 "tagged_ministers", weight=3),
        Taxonomy("policy", "policies", "Policies", Policy, TaggedPolicy,
                 "tagged_policies", weight=3),
    )
}
TAXONOMIES_BY_PLURAL = {taxonomy.plural: taxonomy for taxonomy in TAXONOMIES.values()}


def union_over_taxonomies(build_part):
    """One query over the three taxonomies: each one's rows, ``build_part(taxonomy)`` (the
    same columns for all three, a taxonomy's key among them where rows must say whose
    they are), combined with UNION ALL."""
    parts = [build_part(taxonomy).order_by() for taxonomy in TAXONOMIES.values()]
    return parts[0].union(*parts[1:], all=True)


def taxonomy_of(model):
    """The Taxonomy of a tag model or of its through model."""
    return next(t for t in TAXONOMIES.values() if model in (t.model, t.through))
