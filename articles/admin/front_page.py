"""The front page screen: editors choose the lead story and order the top stories.

One form, a place per position, each chosen with the admin's autocomplete among
published and scheduled stories; "Move up" and "Move down" swap two places. Readers'
home page follows at once (``articles.caching``: the front-page key).
"""

import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format

from articles.editorial.front_page import (
    FrontPageRefused,
    front_page_arrangement,
    front_page_set,
)
from articles.editorial.workflow import can_publish
from articles.models import FRONT_PAGE_SLOTS, LEAD_POSITION, Article, FrontPageSlot
from articles.platform.text import row_id
from articles.public.front_page import front_page

MOVE = re.compile(r"\A(\d{1,2})-(up|down)\Z")
NOT_PUBLISHED = ("Choose a published or scheduled story: a draft, a story in review or a "
                 "withdrawn one cannot go on the front page.")


def position_label(position):
    return "Lead story" if position == LEAD_POSITION else f"Top story {position - 1}"


class StoryAutocomplete(AutocompleteSelect):
    """The admin's autocomplete, redisplaying a refused post without querying for
    values that are not ids ("abc" reached the query and answered 500)."""

    def optgroups(self, name, value, attrs=None):
        return super().optgroups(name, [v for v in value if row_id(v) is not None], attrs)


class StoryChoiceField(forms.ModelChoiceField):
    """A published or scheduled article, by id; anything else is a field error."""

    default_error_messages = {"invalid_choice": NOT_PUBLISHED}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if row_id(value) is None:  # "abc", "²", thirty nines: not an id at all
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)

    def label_from_instance(self, article):
        when = date_format(timezone.localtime(article.published_at), "j M Y, H:i") \
            if article.published_at else "no time yet"
        return f"{article.headline} ({when})"


class FrontPageForm(forms.Form):
    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        source = FrontPageSlot._meta.get_field("article")
        for position in range(LEAD_POSITION, FRONT_PAGE_SLOTS + 1):
            self.fields[f"position_{position}"] = StoryChoiceField(
                queryset=Article.objects.filter(status=Article.Status.PUBLISHED)
                .only("headline", "published_at"),
                required=False, label=position_label(position),
                widget=StoryAutocomplete(source, admin_site),
                help_text="Empty: the newest story not shown elsewhere on the page.",
            )

    def arrangement(self):
        return [self.cleaned_data.get(f"position_{position}")
                for position in range(LEAD_POSITION, FRONT_PAGE_SLOTS + 1)]

    def clean(self):
        chosen = {}
        for position, article in enumerate(self.arrangement(), start=LEAD_POSITION):
            if article is None:
                continue
            if article.pk in chosen:
                raise ValidationError(
                    f"“{article.headline}” is in two places ({position_label(chosen[article.pk])}"
                    f" and {position_label(position)}): a story takes one place.")
            chosen[article.pk] = position
        return self.cleaned_data


def moved(arrangement, move):
    """The arrangement with the move ("3-up", "1-down") made, or None for a move that
    cannot be made."""
    match = MOVE.match(move)
    if not match:
        return None
    index = int(match[1]) - LEAD_POSITION
    other = index - 1 if match[2] == "up" else index + 1
    if not (0 <= index < len(arrangement) and 0 <= other < len(arrangement)):
        return None
    arrangement = list(arrangement)
    arrangement[index], arrangement[other] = arrangement[other], arrangement[index]
    return arrangement


def slot_state(article, now):
    """What readers see of a pinned story, for the editor."""
    if article is None:
        return "Nothing pinned: the newest story not shown elsewhere takes this place."
    if article.status != Article.Status.PUBLISHED:
        return (f"“{article.headline}” is {article.get_status_display().lower()}: readers "
                "do not see it here, the newest story takes this place, and saving "
                "removes it.")
    if article.published_at and article.published_at > now:
        when = date_format(timezone.localtime(article.published_at), "j M Y, H:i")
        return f"Scheduled: shown from {when}; until then the newest story takes this place."
    return "Live."


@admin.register(FrontPageSlot)
class FrontPageAdmin(admin.ModelAdmin):
    """The front page as one screen (the model's list and forms are not used)."""

    def has_view_permission(self, request, obj=None):
        return can_publish(request.user)

    def has_change_permission(self, request, obj=None):
        return can_publish(request.user)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [path("", self.admin_site.admin_view(self.front_page_view),
                     name=f"{self.opts.app_label}_{self.opts.model_name}_changelist")]

    def front_page_view(self, request):
        if not can_publish(request.user):
            raise PermissionDenied
        current = front_page_arrangement()
        if request.method == "POST":
            form = FrontPageForm(request.POST, admin_site=self.admin_site)
            if form.is_valid():
                response = self.save_arrangement(request, form)
                if response is not None:
                    return response
            else:
                self.message_user(request, "The front page was not changed: correct the "
                                  "places marked below.", messages.ERROR)
        else:
            form = FrontPageForm(admin_site=self.admin_site, initial={
                f"position_{position}": article.pk
                for position, article in enumerate(current, start=LEAD_POSITION) if article
            })
        return self.render_screen(request, form, current)

    def save_arrangement(self, request, form):
        """Save what was posted (with the move asked for); the redirect, or None when
        the arrangement is refused (the message says why)."""
        arrangement = form.arrangement()
        move = request.POST.get("move")
        if move is not None:
            arrangement = moved(arrangement, move)
            if arrangement is None:
                self.message_user(request, "The front page was not changed: that move is "
                                  "not possible.", messages.ERROR)
                return None
        try:
            front_page_set(articles=arrangement, by=request.user)
        except FrontPageRefused as refusal:
            self.message_user(request, f"The front page was not changed: {refusal}",
                              messages.ERROR)
            return None
        lead = arrangement[0]
        top = sum(article is not None for article in arrangement[1:])
        leads = f"“{lead.headline}” leads" if lead else "the newest story leads"
        self.message_user(
            request,
            f"Front page saved: {leads}, {top} top stor{'y' if top == 1 else 'ies'} pinned; "
            "the home page shows it now.",
            messages.SUCCESS,
        )
        return redirect(request.path)

    def render_screen(self, request, form, current):
        now = timezone.now()
        shown = front_page(latest_count=0)
        on_page = [shown.lead, *shown.top] if shown.lead else []
        rows = []
        for index, position in enumerate(range(LEAD_POSITION, FRONT_PAGE_SLOTS + 1)):
            showing = on_page[index].article if index < len(on_page) else None
            rows.append({
                "position": position,
                "field": form[f"position_{position}"],
                "state": slot_state(current[index], now),
                "showing": showing,
                "first": position == LEAD_POSITION,
                "last": position == FRONT_PAGE_SLOTS,
            })
        context = {
            **self.admin_site.each_context(request),
            "title": "Front page",
            "opts": self.opts,
            "form": form,
            "rows": rows,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/articles/front_page.html", context)
