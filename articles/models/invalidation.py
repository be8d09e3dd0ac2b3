"""Bookkeeping of the page cache that must survive a process: articles.caching."""

from django.db import models


class PendingInvalidation(models.Model):
    """An invalidation the shared cache did not take (Redis down); applied when it is
    back (articles.caching.invalidation)."""

    keys = models.JSONField(default=list)
    paths = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{', '.join(self.keys)} {', '.join(self.paths)}".strip()
