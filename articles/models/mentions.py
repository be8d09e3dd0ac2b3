"""Mentions: the references to a country, minister or policy a story makes that are not
its subjects (its tags). Recorded with their evidence, shown to editors as "Also
mentioned", to readers as a tag's "also mentioned in" list and in the article's JSON-LD.

One row per article and entry per taxonomy (``MentionedCountry`` …), carrying the
article's publication time as tag rows do (``TagRowQuerySet.published()``'s rule), so a
tag's mention listing is read from its own rows in index order. An editor's removal
keeps the row, ``dismissed``, so recomputing the mentions does not bring it back.
References the text makes with a name several entries share, and that the story does
not settle, are ``AmbiguousMention`` rows with their candidates.
"""

from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from articles.models.vocabulary import Country, Minister, Policy

EVIDENCE_KEPT = 3  # the first few places a mention is found are enough to judge it


def evidence_default():
    return []


class MentionQuerySet(models.QuerySet):
    def shown(self):
        """Mentions an editor has not removed."""
        return self.filter(dismissed=False)

    def published(self, now=None):
        """Shown mentions in public articles (the rule read from ``published_at``)."""
        return self.filter(dismissed=False, published_at__lte=now or timezone.now())


class MentionRow(models.Model):
    """One entry an article mentions, with where (``evidence``: a few of
    {"text", "field", "paragraph", "offset"})."""

    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    evidence = models.JSONField(default=evidence_default, blank=True)
    dismissed = models.BooleanField(
        default=False, help_text="Removed by an editor: kept so it is not found again.")

    objects = MentionQuerySet.as_manager()

    class Meta:
        abstract = True
        unique_together = [("article", "tag")]
        indexes = [
            # A tag's "also mentioned in" listing, newest first, and its count.
            models.Index(fields=["tag", "-published_at", "-article"],
                         condition=Q(dismissed=False), name="%(class)s_latest"),
        ]

    def __str__(self):
        return f"{self.tag} mentioned in article {self.article_id}"


class MentionedCountry(MentionRow):
    article = models.ForeignKey("Article", on_delete=models.CASCADE,
                                related_name="mentioned_countries")
    tag = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="mentioned_in",
                            db_index=False)


class MentionedMinister(MentionRow):
    article = models.ForeignKey("Article", on_delete=models.CASCADE,
                                related_name="mentioned_ministers")
    tag = models.ForeignKey(Minister, on_delete=models.CASCADE, related_name="mentioned_in",
                            db_index=False)


class MentionedPolicy(MentionRow):
    article = models.ForeignKey("Article", on_delete=models.CASCADE,
                                related_name="mentioned_policies")
    tag = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="mentioned_in",
                            db_index=False)


# Taxonomy plural ("countries") -> its mention rows.
MENTION_MODELS = {"countries": MentionedCountry, "ministers": MentionedMinister,
                  "policies": MentionedPolicy}


def public_mention_count(plural):
    """How many public stories mention the outer query's entry (``OuterRef("pk")``),
    0 for none: an annotation, so a tag page reads it with the entry."""
    count = (MENTION_MODELS[plural].objects.published().filter(tag=OuterRef("pk"))
             .order_by().values("tag").annotate(n=Count("*")).values("n"))
    return Coalesce(Subquery(count, output_field=IntegerField()), Value(0))



class AmbiguousMention(models.Model):
    """A name the story uses that several entries share, which the story does not settle
    (it names both in full, or neither): shown to editors with its candidates."""

    article = models.ForeignKey("Article", on_delete=models.CASCADE,
                                related_name="ambiguous_mentions")
    taxonomy = models.CharField(max_length=12)  # "countries", "ministers", "policies"
    text = models.CharField(max_length=200)
    field = models.CharField(max_length=12, default="body")
    paragraph = models.PositiveIntegerField(null=True, blank=True)
    offset = models.PositiveIntegerField(default=0)
    candidates = models.JSONField(default=evidence_default)  # the entries' ids

    class Meta:
        ordering = ["article", "field", "offset"]

    def __str__(self):
        return f"“{self.text}” in article {self.article_id}: one of {self.candidates}"
