"""Later versions of a wire item whose story an editor has taken over: proposed to the
desk instead of replacing the editor's text (``editorial/wire_updates`` applies one)."""

from django.db import models
from django.utils import timezone

from articles.models.articles import Article, staff_reference
from articles.models.vocabulary import NAME_TEXT, PLAIN_TEXT


class WireUpdateQuerySet(models.QuerySet):
    def pending(self):
        """Proposed and neither applied nor overtaken by a later version."""
        return self.filter(applied_at__isnull=True, dismissed=False)


class WireUpdate(models.Model):
    """A version of an agency's item, waiting for an editor to apply it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE,
                                related_name="wire_updates")
    wire_version = models.PositiveIntegerField()
    headline = models.CharField(max_length=200, validators=NAME_TEXT)
    standfirst = models.TextField(blank=True, validators=PLAIN_TEXT)
    body = models.TextField(blank=True, validators=PLAIN_TEXT)
    dateline = models.CharField(max_length=100, blank=True, validators=NAME_TEXT)
    bylines = models.CharField(max_length=255, blank=True, validators=NAME_TEXT)
    received_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = staff_reference()
    # A later version of the item replaces this proposal.
    dismissed = models.BooleanField(default=False)

    objects = WireUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["article", "wire_version"],
                                               name="wire_update_version_once")]

    def __str__(self):
        return f"Version {self.wire_version} of “{self.headline}”"
