"""Who may do what to an article: the editorial workflow and the two roles' powers."""

from django.db.models import Q

from articles.models import Article

Status = Article.Status

# Which status an article may move to from each status (staying put is always allowed).
TRANSITIONS = {
    Status.DRAFT: {Status.REVIEW, Status.PUBLISHED},
    Status.REVIEW: {Status.DRAFT, Status.PUBLISHED},
    Status.PUBLISHED: {Status.WITHDRAWN},
    Status.WITHDRAWN: {Status.DRAFT, Status.PUBLISHED},
}
# Statuses a reporter may set; publishing, scheduling and withdrawing are for editors.
REPORTER_STATUSES = {Status.DRAFT, Status.REVIEW}
# A reporter may keep working on their own article only while it is in these statuses.
REPORTER_EDITABLE = {Status.DRAFT, Status.REVIEW}


def can_publish(user):
    """Editors publish, schedule and withdraw."""
    return user.has_perm("articles.publish_article")


def visible_articles(user, queryset=None):
    """The articles a staff user may see in the admin and preview.

    Editors see everything; a reporter sees their own articles, whatever their status,
    and public ones (the readers' rule), not colleagues' drafts, articles in review,
    scheduled or withdrawn stories.
    """
    queryset = Article.objects.all() if queryset is None else queryset
    if user.has_perm("articles.edit_any_article"):
        return queryset
    public = Article.objects.published().values("pk")
    return queryset.filter(Q(created_by_id=user.pk) | Q(pk__in=public))


def can_edit(user, article):
    """Editors edit anything; reporters edit their own drafts and articles in review."""
    if not user.has_perm("articles.change_article"):
        return False
    if article.pk is None or user.has_perm("articles.edit_any_article"):
        return True
    return article.created_by_id == user.pk and article.status in REPORTER_EDITABLE


def may_read_history(user, article):
    """Earlier versions hold text readers never saw (a source's name cut before
    publication): an editor reads any article's, a reporter only their own's."""
    return user.has_perm("articles.edit_any_article") or article.created_by_id == user.pk


def may_transition(user, current, target):
    """True if the user may move an article from `current` (None: new) to `target`."""
    if current == target:
        return True
    if current is not None and target not in TRANSITIONS[current]:
        return False
    if target in REPORTER_STATUSES:
        return True
    return can_publish(user)


# The change form's buttons: each one a workflow step (see services).
SAVE, SUBMIT, PUBLISH, SCHEDULE, UNSCHEDULE, UPDATE, WITHDRAW = (
    "save", "submit", "publish", "schedule", "unschedule", "update", "withdraw")
ACTIONS = (SAVE, SUBMIT, PUBLISH, SCHEDULE, UNSCHEDULE, UPDATE, WITHDRAW)


def form_actions(user, article):
    """The steps the change form offers this user for `article` as saved (None: new).

    Saving comes first: it is the button the Enter key presses. A live story is only
    updated (saved, staying live) or withdrawn; a scheduled one may be saved, brought
    forward, moved or taken off the schedule.
    """
    if article is not None and not can_edit(user, article):
        return []
    status = None if article is None else article.status
    if not can_publish(user):
        if status in (None, Status.DRAFT):
            return [SAVE, SUBMIT]
        return [SAVE]
    if article is not None and article.is_scheduled:
        return [SAVE, PUBLISH, SCHEDULE, UNSCHEDULE]
    if status == Status.PUBLISHED:
        return [UPDATE, WITHDRAW]
    if status == Status.WITHDRAWN:
        return [SAVE, PUBLISH]
    return [SAVE, PUBLISH, SCHEDULE]
