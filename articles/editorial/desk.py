"""What waits for an editor when they open the admin."""

from datetime import timedelta

from django.utils import timezone

from articles.editorial import workflow
from articles.models import Article


def desk_overview(user, *, limit=8):
    """The desk's to-do lists: review queue, wire headlines, today's schedule, own edits."""
    now = timezone.now()
    end_of_day = timezone.localtime(now).replace(hour=23, minute=59, second=59) + timedelta(
        seconds=1
    )
    base = workflow.visible_articles(user).only(
        "id", "headline", "status", "published_at", "updated_at", "bylines",
        "headline_needs_review",
    )
    return {
        "in_review": list(
            base.filter(status=Article.Status.REVIEW).order_by("updated_at")[:limit]
        ),
        "headline_review": list(
            base.filter(headline_needs_review=True)
            .exclude(status=Article.Status.WITHDRAWN)
            .order_by("-updated_at")[:limit]
        ),
        "scheduled_today": list(
            base.scheduled(now).filter(published_at__lt=end_of_day).order_by("published_at")[
                :limit
            ]
        ),
        "my_recent": list(base.filter(updated_by=user).order_by("-updated_at")[:limit]),
        "my_drafts": list(
            base.filter(created_by=user, status=Article.Status.DRAFT).order_by("-updated_at")[
                :limit
            ]
        ),
    }
