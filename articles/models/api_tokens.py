"""Read API tokens: a staff member's key to the content API, stored only as a hash."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

# What a key starts with: tells a leaked key apart in logs and secret scanners.
KEY_PREFIX = "nr_"


def key_hash(key):
    """The stored form of a key: its SHA-256 (keys are long random strings, so a plain
    hash is as strong as a slow one and costs nothing per request)."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        """Not revoked, and its owner still an active staff member."""
        return self.filter(revoked_at__isnull=True, user__is_active=True, user__is_staff=True)

    def holder_of(self, key):
        """The token ``key`` opens, with its user, or None."""
        return self.usable().select_related("user").filter(key_hash=key_hash(key)).first()


class ApiToken(models.Model):
    """A revocable key with which a staff member reads their drafts through the API."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens",
        help_text="Whose drafts the key opens: the API shows what this person may see "
                  "in the admin.",
    )
    name = models.CharField(
        max_length=100, help_text="What the key is for, e.g. “Newsletter builder”.")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_start = models.CharField(
        max_length=12, editable=False, help_text="The key's first characters, to tell keys apart.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "API token"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({self.key_start}…)"

    @classmethod
    def issue(cls, *, user, name, by):
        """A new token and its key, which is shown once and never stored."""
        token = cls(user=user, name=name, created_by=by)
        key = token.new_key()
        token.save()
        return token, key

    def new_key(self):
        """Give an unsaved token a fresh key: only its hash and first characters are kept."""
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        self.key_hash, self.key_start = key_hash(key), key[:8]
        return key

    def revoke(self):
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])

    @property
    def is_revoked(self):
        return self.revoked_at is not None
