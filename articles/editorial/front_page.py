"""Arranging the front page: the lead story and the top stories' order."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from articles.editorial.workflow import can_publish
from articles.models import FRONT_PAGE_SLOTS, Article, FrontPageSlot


class FrontPageRefused(Exception):
    """The arrangement cannot be saved; the message says why, for the editor."""


def front_page_arrangement():
    """The pinned articles by position, 1 to FRONT_PAGE_SLOTS, None where nothing is."""
    slots = {slot.position: slot.article
             for slot in FrontPageSlot.objects.select_related("article")}
    return [slots.get(position) for position in range(1, FRONT_PAGE_SLOTS + 1)]


def front_page_set(*, articles, by):
    """Pin ``articles`` (one per position, the lead first; None leaves a position to the
    newest stories) in place of the current arrangement.

    Editors only; every article must be published or scheduled, and appear once.
    """
    if not can_publish(by):
        raise PermissionDenied("Only editors arrange the front page.")
    articles = list(articles)
    if len(articles) > FRONT_PAGE_SLOTS:
        raise FrontPageRefused(f"The front page has {FRONT_PAGE_SLOTS} places, not "
                               f"{len(articles)}.")
    chosen = [article for article in articles if article is not None]
    seen = set()
    for article in chosen:
        if article.pk in seen:
            raise FrontPageRefused(f"“{article.headline}” is chosen twice: a story takes "
                                   "one place on the front page.")
        seen.add(article.pk)
    try:
        with transaction.atomic():
            _replace_slots(articles, chosen, seen, by)
    except IntegrityError as error:
        # Two editors saving at the same moment: the second one's places were taken.
        raise FrontPageRefused("Someone else changed the front page at the same moment: "
                               "look at it again and save.") from error


def _replace_slots(articles, chosen, chosen_ids, by):
    current = {pk: status for pk, status in Article.objects.select_for_update()
               .filter(pk__in=chosen_ids).values_list("pk", "status")}
    for article in chosen:
        if current.get(article.pk) != Article.Status.PUBLISHED:
            raise FrontPageRefused(f"“{article.headline}” is not published or "
                                   "scheduled, so it cannot go on the front page.")
    FrontPageSlot.objects.all().delete()
    for position, article in enumerate(articles, start=1):
        if article is not None:
            FrontPageSlot.objects.create(position=position, article=article, pinned_by=by)
