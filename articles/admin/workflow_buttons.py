"""The change form's workflow buttons: the steps that fit the article and the user, each
taken through the editorial services and confirmed in the newsroom's time zone.

The form (``editorial.forms.ArticleForm``) refuses a step the user may not take and one
that lacks what it needs (a time, a reason, a checked headline), so a refused step keeps
every field as typed. The admin saves the text first, then takes the step in the same
transaction: a service that still refuses (a hand-made POST) undoes the whole save.
"""

from dataclasses import dataclass
from datetime import timedelta

import reversion
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from articles.editorial import history, services, workflow
from articles.models import Article


def newsroom_time(moment):
    """A time as the desk reads it, in the newsroom's zone: "1 Dec 09:00" this year,
    "1 Dec 2027 09:00" another."""
    local = timezone.localtime(moment)
    if local.year == timezone.localtime().year:
        return date_format(local, "j M H:i")
    return date_format(local, "j M Y H:i")


def state_label(article, *, long=False):
    """The article's state for the list and the form: scheduled is never "Published"."""
    if article.is_scheduled:
        return f"Scheduled for {newsroom_time(article.published_at)}"
    label = article.get_status_display()
    if long and article.published_at and article.status in services.PUBLIC_ONCE:
        return f"{label} (publication time {newsroom_time(article.published_at)})"
    return label


@dataclass(frozen=True)
class Button:
    action: str
    label: str
    style: str = ""  # "default" (the main step) or "danger"
    needs: str = ""  # the form field the step reads, shown beside its button


def buttons(user, article):
    """The bar's buttons for this user and `article` as saved (None: new)."""
    offered = workflow.form_actions(user, article)
    new_or_draft = article is None or article.status == Article.Status.DRAFT
    labels = {
        workflow.SAVE: "Save draft" if new_or_draft and workflow.SUBMIT in offered else "Save",
        workflow.SUBMIT: "Submit for review",
        workflow.PUBLISH: "Publish now",
        workflow.SCHEDULE: "Schedule…",
        workflow.UNSCHEDULE: "Unschedule",
        workflow.UPDATE: "Update",
        workflow.WITHDRAW: "Withdraw",
    }
    styles = {workflow.SUBMIT: "default", workflow.PUBLISH: "default",
              workflow.UPDATE: "default", workflow.WITHDRAW: "danger"}
    needs = {workflow.SCHEDULE: "schedule_at", workflow.WITHDRAW: "withdrawal_reason"}
    return [Button(action, labels[action], styles.get(action, ""), needs.get(action, ""))
            for action in offered]


class WorkflowButtonsMixin:
    """For the article admin: the buttons, the step each one takes, and its message."""

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):
        saved = obj if obj is not None and obj.pk else None
        context["workflow_buttons"] = buttons(request.user, saved)
        context["newsroom_time_zone"] = settings.TIME_ZONE
        context["workflow_state"] = state_label(saved, long=True) if saved else "New"
        return super().render_change_form(request, context, add=add, change=change,
                                          form_url=form_url, obj=obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self.take_step(request, form.instance, form.cleaned_data)

    def take_step(self, request, article, cleaned):
        """Take the step the pressed button asked for, after the text is saved."""
        action, by = cleaned["workflow"], request.user
        headline = article.headline
        try:
            with transaction.atomic():
                if action == workflow.SUBMIT:
                    services.article_submit(article=article, by=by)
                elif action == workflow.PUBLISH:
                    services.article_publish(article=article, by=by)
                elif action == workflow.SCHEDULE:
                    services.article_publish(article=article, by=by, at=cleaned["schedule_at"])
                elif action == workflow.UNSCHEDULE:
                    was = article.published_at
                    services.article_unschedule(article=article, by=by)
                elif action == workflow.WITHDRAW:
                    services.article_withdraw(article=article, by=by,
                                              reason=cleaned["withdrawal_reason"])
        except services.ActionRefused as refusal:
            self.message_user(request, f"Saved “{headline}”, but it was not "
                              f"{PAST.get(action, 'changed')}: {refusal}", messages.ERROR)
            return
        now = newsroom_time(timezone.now())
        done = {
            workflow.SAVE: f"Saved “{headline}” at {now}. {SAVED_STATE.get(article.status, '')}",
            workflow.SUBMIT: f"Submitted “{headline}” for review at {now}. The desk has it "
            "now; you can still edit it until it is published.",
            workflow.PUBLISH: f"Published “{headline}” at "
            f"{newsroom_time(article.published_at or timezone.now())}. It is live.",
            workflow.SCHEDULE: f"Scheduled “{headline}” for "
            f"{newsroom_time(article.published_at or timezone.now())}. Readers will see "
            "it then, not before.",
            workflow.UPDATE: f"Updated “{headline}” at {now}. It stays live.",
            workflow.WITHDRAW: f"Withdrew “{headline}” at {now}. Its address now says it "
            "was withdrawn; the reason is kept in its history.",
        }
        if action == workflow.SAVE and article.is_scheduled:
            message = (f"Saved “{headline}” at {now}. It stays scheduled for "
                       f"{newsroom_time(article.published_at)}.")
        elif action == workflow.PUBLISH and article.published_at < timezone.now() - REPUBLISHED:
            message = (f"Published “{headline}” again at {now}, under its first publication "
                       f"time, {newsroom_time(article.published_at)}, so its address stays.")
        elif action == workflow.PUBLISH and article.is_scheduled and article.embargo_until:
            message = (f"“{headline}” is under embargo until "
                       f"{newsroom_time(article.embargo_until)}, so it is scheduled for "
                       "then: readers will see it at the embargo time, not before.")
        elif action == workflow.UNSCHEDULE:
            message = (f"Unscheduled “{headline}”: it is back in review and will not be "
                       f"published at {newsroom_time(was)}.")
        else:
            message = done[action].strip()
        self.message_user(request, message, messages.SUCCESS)

    def construct_change_message(self, request, form, formsets, add=False):
        """The admin's log names the fields edited, not the bar's inputs."""
        message = super().construct_change_message(request, form, formsets, add)
        bar = {str(form.fields[name].label or name) for name in STEP_FIELDS
               if name in form.fields}
        for entry in message:
            fields = entry.get("changed", {}).get("fields")
            if fields is not None:
                entry["changed"]["fields"] = [f for f in fields if f not in bar]
        return [e for e in message if e.get("changed", {}).get("fields", True)]

    def log_addition(self, request, obj, message):
        return self._log_keeping_step(super().log_addition, request, obj, message)

    def log_change(self, request, obj, message):
        return self._log_keeping_step(super().log_change, request, obj, message)

    @staticmethod
    def _log_keeping_step(log, request, obj, message):
        """History says in words what the save changed and the step taken ("Edited:
        headline", "Withdrawn. Reason: …"): reversion's admin would replace the step's
        comment with the admin's change message."""
        step = reversion.get_comment() if reversion.is_active() else ""
        entry = log(request, obj, message)
        if reversion.is_active():
            changed = history.change_words(message)
            reversion.set_comment("\n".join(part for part in (changed, step) if part))
        return entry

    def response_add(self, request, obj, post_url_continue=None):
        if IS_POPUP_VAR in request.POST:
            return super().response_add(request, obj, post_url_continue)
        return self._back_to_the_form(request, obj)

    def response_change(self, request, obj):
        if IS_POPUP_VAR in request.POST:
            return super().response_change(request, obj)
        return self._back_to_the_form(request, obj)

    def _back_to_the_form(self, request, obj):
        """Every step returns to the article, where its message and new state show."""
        url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                      args=[obj.pk], current_app=self.admin_site.name)
        preserved = {"preserved_filters": self.get_preserved_filters(request),
                     "opts": self.opts}
        return HttpResponseRedirect(add_preserved_filters(preserved, url))


# A publication time older than this after Publish now is the one a withdrawn story kept.
REPUBLISHED = timedelta(minutes=1)
STEP_FIELDS = ("workflow", "schedule_at", "withdrawal_reason")
PAST = {workflow.SUBMIT: "submitted", workflow.PUBLISH: "published",
        workflow.SCHEDULE: "scheduled", workflow.UNSCHEDULE: "unscheduled",
        workflow.WITHDRAW: "withdrawn"}
SAVED_STATE = {
    Article.Status.DRAFT: "It is a draft.",
    Article.Status.REVIEW: "It is in review.",
    Article.Status.PUBLISHED: "It is live.",
    Article.Status.WITHDRAWN: "It stays withdrawn.",
}
