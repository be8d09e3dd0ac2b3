"""Agencies' keys for pushing items to ``POST /api/v1/ingest/``: issued by an editor,
shown once, stored only as a hash, revocable."""

import hashlib
import secrets

from django.db import models
from django.utils import timezone

from articles.models.articles import staff_reference
from articles.models.vocabulary import NAME_TEXT

KEY_PREFIX = "nra_"


def key_hash(key):
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class AgencyTokenQuerySet(models.QuerySet):
    def for_key(self, key):
        """The token this key belongs to (revoked or not), or None."""
        if not isinstance(key, str) or not key.startswith(KEY_PREFIX) or len(key) > 100:
            return None
        return self.filter(key_hash=key_hash(key)).first()


class AgencyToken(models.Model):
    """One agency's key for the push endpoint."""

    name = models.CharField(
        max_length=120, validators=NAME_TEXT,
        help_text="Who uses the key, e.g. Reuters text feed.",
    )
    source = models.CharField(
        "agency", max_length=120, blank=True, validators=NAME_TEXT,
        help_text="The source stories pushed with this key get when the item names none.",
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_start = models.CharField(
        "key begins", max_length=12, editable=False,
        help_text="The key's first characters, to tell keys apart; the key itself is "
        "shown once, when it is issued.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = staff_reference()
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = AgencyTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "agency push key"

    def __str__(self):
        return f"{self.name} ({self.key_start}…)"

    def new_key(self):
        """Give the token a fresh key; returns the key, which is not stored."""
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        self.key_hash, self.key_start = key_hash(key), key[:12]
        return key
