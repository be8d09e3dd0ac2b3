"""What a form that is open holds and nobody saved yet: each user's autosaved copy of
an article form, and who has which article open (articles.editorial.autosave)."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

# A copy nobody came back to for this long is deleted.
COPY_KEPT_FOR = timedelta(days=30)
# A form that has not said "still open" for this long is taken as closed.
PRESENCE_LAPSES_AFTER = timedelta(seconds=60)


class AutosavedCopyQuerySet(models.QuerySet):
    def current(self):
        """Copies young enough to be offered back; older ones are as good as deleted."""
        return self.filter(saved_at__gte=timezone.now() - COPY_KEPT_FOR)

    def expired(self):
        return self.filter(saved_at__lt=timezone.now() - COPY_KEPT_FOR)

    def of(self, user, article_id):
        """The user's copy of an article's form (article_id None: the new-article form)."""
        return self.filter(user=user, article_id=article_id)


class AutosavedCopy(models.Model):
    """The state of one user's open article form, stored every few seconds, never the
    article itself: the article changes only when its form is saved."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="autosaved_copies")
    # None: a new article, not saved yet (one such copy per user).
    article = models.ForeignKey("articles.Article", null=True, blank=True,
                                on_delete=models.CASCADE, related_name="autosaved_copies")
    # The form's fields as the browser would post them: {name: [value, ...]}.
    fields = models.JSONField(default=dict)
    # The article's version when the form was opened (None for a new article).
    opened_version = models.PositiveIntegerField(null=True, blank=True)
    saved_at = models.DateTimeField(db_index=True)

    objects = AutosavedCopyQuerySet.as_manager()

    class Meta:
        verbose_name = "autosaved copy"
        constraints = [
            models.UniqueConstraint(fields=["user", "article"], condition=Q(article__isnull=False),
                                    name="one_autosaved_copy_per_user_and_article"),
            models.UniqueConstraint(fields=["user"], condition=Q(article__isnull=True),
                                    name="one_autosaved_new_article_per_user"),
        ]

    def __str__(self):
        return f"{self.user} on {self.article_id or 'a new article'} at {self.saved_at}"


class EditorPresenceQuerySet(models.QuerySet):
    def open_now(self):
        """Forms that said they were open within the last PRESENCE_LAPSES_AFTER."""
        return self.filter(seen_at__gte=timezone.now() - PRESENCE_LAPSES_AFTER)

    def lapsed(self):
        return self.filter(seen_at__lt=timezone.now() - PRESENCE_LAPSES_AFTER)


class EditorPresence(models.Model):
    """A user has an article's form open: since when, and when it last said so."""

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE,
                                related_name="presences")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    opened_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    objects = EditorPresenceQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="one_presence_per_editor"),
        ]

    def __str__(self):
        return f"{self.user} on {self.article_id} since {self.opened_at}"
