"""What waits for an editor when they open the admin: the desk's panels.

Each story shows up once: wire copy whose headline still needs checking is listed under
that panel only (by its derived headline), not again among the stories in review.
Each row carries who last touched it and when; one query per panel.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from articles.editorial import workflow
from articles.models import Article

ROW_FIELDS = (
    "id", "headline", "status", "published_at", "created_at", "updated_at", "source",
    "headline_needs_review", "updated_by__username", "updated_by__first_name",
    "updated_by__last_name",
)


@dataclass(frozen=True)
class DeskDay:
    """The newsroom's today and the week ahead, as bounds in time."""

    now: object
    end_of_today: object
    end_of_week: object

    @classmethod
    def at(cls, now):
        local = timezone.localtime(now)
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        return cls(now=now, end_of_today=midnight + timedelta(days=1),
                   end_of_week=midnight + timedelta(days=7))


def desk_overview(user, *, limit=8, now=None):
    """The desk's to-do lists: review queue, wire copy to check, what is scheduled today
    and in the week ahead, the user's drafts, what went live last and what the user
    edited last."""
    day = DeskDay.at(now or timezone.now())
    base = workflow.visible_articles(user).select_related("updated_by").only(*ROW_FIELDS)
    checks_wire = workflow.can_publish(user)
    in_review = base.filter(status=Article.Status.REVIEW)
    if checks_wire:
        in_review = in_review.exclude(headline_needs_review=True)
    scheduled = base.scheduled(day.now).order_by("published_at")
    return {
        "in_review": list(in_review.order_by("updated_at")[:limit]),
        "wire_to_check": list(
            base.filter(headline_needs_review=True)
            .exclude(status=Article.Status.WITHDRAWN)
            .order_by("-created_at", "-id")[:limit]
        ) if checks_wire else [],
        "scheduled_today": list(scheduled.filter(published_at__lt=day.end_of_today)[:limit]),
        "scheduled_this_week": list(
            scheduled.filter(published_at__gte=day.end_of_today,
                             published_at__lt=day.end_of_week)[:limit]
        ),
        "my_drafts": list(
            base.filter(created_by=user, status=Article.Status.DRAFT)
            .order_by("-updated_at")[:limit]
        ),
        "recently_published": list(base.published(day.now).newest_first()[:limit]),
        "my_recent": list(base.filter(updated_by=user).order_by("-updated_at")[:limit]),
    }
