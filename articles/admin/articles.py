"""The article admin: the list, the change form with workflow and locking, and the
list's actions.

One ModelAdmin, and Django reads its hooks from that one class; what could leave it
(the list's rendering, filters, suggestions, input checks, history) has its own module
in this package already.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import ShowFacets
from django.contrib.admin.widgets import AutocompleteSelect, RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from reversion.admin import VersionAdmin

from articles.admin import workflow_buttons
from articles.admin.article_list import (
    BoundedChangeList,
    BoundedDateFieldListFilter,
    ListColumnsMixin,
    page_number,
)
from articles.admin.authors import ArticleAuthorInline
from articles.admin.autosave import AutosaveMixin
from articles.admin.filters import TAG_FILTERS, StatusFilter
from articles.admin.history import ArticleHistoryMixin
from articles.admin.input import CheckedInputMixin
from articles.admin.suggestions import SuggestedTagsMixin
from articles.admin.wire_updates import WireUpdatesMixin
from articles.editorial import autosave, services, workflow
from articles.editorial.forms import (
    ArticleForm,
    CorrectionForm,
    TagChoiceField,
    VocabularyPicker,
    validate_publication_time,
)
from articles.models import Article, Correction, Country
from articles.platform.admin_lists import CheckedChangeList, CheckedListMixin
from articles.public.pagination import CappedCountPaginator


class CorrectionInline(admin.TabularInline):
    model = Correction
    form = CorrectionForm
    extra = 0
    fields = ["kind", "note", "created_at"]
    readonly_fields = ["created_at"]
    verbose_name = "correction, clarification or update"
    verbose_name_plural = ("Corrections, clarifications and updates (shown to readers with "
                           "their time: the first two above the story, updates below it)")


def _run_action(modeladmin, request, queryset, service, done):
    """Apply a workflow service to each selected article and say what happened."""
    ok, refused = 0, []
    for article in queryset:
        try:
            service(article=article, by=request.user)
            ok += 1
        except (PermissionDenied, services.ActionRefused) as error:
            refused.append(f"“{article.headline}”: {error}")
    if ok:
        modeladmin.message_user(
            request, f"{ok} article{'s' if ok != 1 else ''} {done}.", messages.SUCCESS
        )
    for reason in refused:
        modeladmin.message_user(request, reason, messages.WARNING)


class ArticleChangeList(CheckedChangeList, BoundedChangeList):
    # What the rows show and read (str() is the headline, the status column reads the
    # time), and nothing more: a list has no use for the body. Any other field a column
    # reads costs a query per row, which the list's query-count test catches.
    row_fields = ["id", "headline", "status", "published_at", "updated_at",
                  "headline_needs_review", "embargo_until"]

    def get_queryset(self, request, exclude_parameters=None):
        # The list shows no body, and tag names come as columns of the list query:
        # no query per taxonomy or per row.
        return (
            super().get_queryset(request, exclude_parameters)
            .defer("body", "standfirst", "search_vector")
            .with_tag_names().with_author_names()
        )

    def get_results(self, request):
        super().get_results(request)
        # Only the page's rows: actions still receive whole articles.
        self.result_list = self.result_list.only(*self.row_fields)


@admin.register(Article)
class ArticleAdmin(CheckedListMixin, CheckedInputMixin, AutosaveMixin,
                   workflow_buttons.WorkflowButtonsMixin, SuggestedTagsMixin, ListColumnsMixin,
                   WireUpdatesMixin, ArticleHistoryMixin, VersionAdmin):
    form = ArticleForm
    list_filter = [
        StatusFilter, "headline_needs_review", *TAG_FILTERS,
        ("published_at", BoundedDateFieldListFilter),
    ]
    list_per_page = 100
    # Reversion's list (with its "Recover deleted articles" link) plus the bounded parts.
    change_list_template = "admin/articles/article/change_list.html"
    list_select_related = False
    # Article columns only, each with its trigram index: a join to the authors would make
    # PostgreSQL read every row (tests/test_indexes.py).
    search_fields = ["headline", "standfirst", "source", "slug"]
    date_hierarchy = "published_at"
    show_full_result_count = False
    show_facets = ShowFacets.NEVER
    prepopulated_fields = {"slug": ("headline",)}
    inlines = [ArticleAuthorInline, CorrectionInline]
    autocomplete_fields = ["hero_image"]
    # One bar of workflow buttons, at the foot: a second one at the top would post the
    # Schedule… and Withdraw inputs twice.
    save_on_top = False
    history_latest_first = True
    object_history_template = "reversion/articles/article/object_history.html"
    actions = ["publish_now", "submit_for_review", "withdraw", "return_to_draft"]
    fieldsets = [
        ("Story", {"fields": [
            "headline", "slug", "standfirst", "body", "dateline", "source",
        ]}),
        ("Tagging", {
            "fields": ["countries", "ministers", "policies"],
            "description": "Pick from the newsroom's vocabulary. Countries are the ISO "
            "list; add a minister or policy with the + button.",
        }),
        ("Publishing", {"fields": [
            "publication", "embargo_until", "address", "headline_needs_review",
            "withdrawal_note", "version", "audit", "wire",
        ]}),
        ("Image", {"fields": ["hero_image"]}),
    ]

    class Media:
        css = {"all": ["newsroom-admin/article-form.css", "newsroom-admin/autosave.css"]}
        js = ["newsroom-admin/autosave.js", "newsroom-admin/tag-pickers.js"]

    @property
    def media(self):
        # Defining `media` replaces the one built from `Media` above, so add that back;
        # the list's tag filters search with the form's autocomplete (select2).
        picker = AutocompleteSelect(Article._meta.get_field("countries"), self.admin_site)
        return (super().media + forms.Media(self.Media) + picker.media
                + forms.Media(js=["admin/js/autocomplete.js", "newsroom-admin/tag-filter.js"]))

    # --- list -----------------------------------------------------------------------

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0,
                      allow_empty_first_page=True):
        return CappedCountPaginator(queryset, per_page, orphans=orphans,
                                    allow_empty_first_page=allow_empty_first_page,
                                    page=page_number(request))

    def changelist_view(self, request, extra_context=None):
        # Not reversion's list, which wraps a whole action in one revision: the services
        # each action calls record each article's own revision, the only kind a revert
        # may use (history.holds_only), and reading the list needs none.
        return (self.refused_again(request)
                or admin.ModelAdmin.changelist_view(self, request, extra_context))

    @admin.display(description="status", ordering="status")
    def status_label(self, article):
        label = workflow_buttons.state_label(article)
        if article.under_embargo and article.status != Article.Status.WITHDRAWN:
            until = timezone.localtime(article.embargo_until).strftime("%d %b %H:%M")
            label = format_html('{} <span class="nr-flag">embargoed until {}</span>',
                                label, until)
        if article.headline_needs_review and article.status != Article.Status.WITHDRAWN:
            return format_html('{} <span class="nr-flag">headline to check</span>', label)
        return label

    @admin.display(description="status")
    def publication(self, article):
        if not article.pk:
            return "New: not saved yet."
        return workflow_buttons.state_label(article, long=True)

    @admin.display(description="address")
    def address(self, article):
        if not article.pk or not article.address_seen:
            return "Not public yet: the slug follows the headline until it is published."
        old = [f"/{old}" for old in article.retired_addresses.order_by("-retired_at")]
        if not old:
            return article.get_absolute_url()
        return format_html("{}<br>Old addresses, which lead here: {}",
                           article.get_absolute_url(), ", ".join(old))

    @admin.display(description="last change")
    def audit(self, article):
        if not article.pk:
            return "Not saved yet."
        # People by their full names, as everywhere else in the admin.
        by, created = (user.get_full_name() or user.get_username() if user else "import"
                       for user in (article.updated_by, article.created_by))
        saved = timezone.localtime(article.updated_at).strftime("%d %b %Y %H:%M")
        return f"Version {article.version}, saved {saved} by {by}. Written by {created}."

    # --- permissions ----------------------------------------------------------------

    def get_queryset(self, request):
        return workflow.visible_articles(request.user, super().get_queryset(request))

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or workflow.can_edit(request.user, obj)

    def has_publish_permission(self, request):
        return workflow.can_publish(request.user)

    def get_readonly_fields(self, request, obj=None):
        fixed = ["publication", "address", "audit", "wire"]
        # An embargo moves the publication time, which is an editor's to set.
        return fixed if workflow.can_publish(request.user) else [*fixed, "embargo_until"]

    def get_fieldsets(self, request, obj=None):
        """An editor may move a live story's publication time (and so its address)."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not (obj.is_public and workflow.can_publish(request.user)):
            return fieldsets
        return [(name, {**options, "fields": ["published_at", *options["fields"]]})
                if name == "Publishing" else (name, options) for name, options in fieldsets]

    # --- form and saving ------------------------------------------------------------

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in ("countries", "ministers", "policies"):
            # Closed vocabulary: the picker only offers existing entries, and the server
            # refuses any id that is not one (a typo can never create "Indai").
            model = db_field.remote_field.model
            related_admin = self.admin_site._registry.get(model)
            widget = RelatedFieldWidgetWrapper(
                VocabularyPicker(db_field, self.admin_site),
                db_field.remote_field,
                self.admin_site,
                # Ministers and policies may be added from the form (the + button);
                # countries never: the ISO list is closed.
                can_add_related=model is not Country
                and related_admin is not None
                and related_admin.has_add_permission(request),
            )
            return db_field.formfield(
                form_class=TagChoiceField,
                queryset=model.objects.all(),
                widget=widget,
                required=False,
            )
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "embargo_until":
            # The admin's split widget writes "Date:" and "Time:" as text, not labels.
            date, time = field.widget.widgets
            date.attrs["aria-label"] = "Embargo date"
            time.attrs["aria-label"] = "Embargo time"
        return field

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        saved = None
        if obj is not None:
            saved = (
                Article.objects.select_for_update(of=("self",))
                .select_related("updated_by")
                .get(pk=obj.pk)
            )
        return type(form.__name__, (form,), {"user": request.user, "saved": saved})

    def clean_initial_value(self, name, value):
        value = super().clean_initial_value(name, value)
        if name == "schedule_at":
            validate_publication_time(value)  # the form would refuse it on scheduling
        return value

    def save_model(self, request, obj, form, change):
        services.article_save(
            article=obj,
            by=request.user,
            expected_version=form.cleaned_data.get("version"),
            headline_changed=change and "headline" in form.changed_data,
            slug_changed="slug" in form.changed_data,
        )
        # Saved: the autosaved copy has done its job (a refused save keeps it).
        autosave.discard_copy(user=request.user, article=obj if change else None)

    def get_view_on_site_url(self, obj=None):
        if obj is None:
            return None
        if obj.is_public:
            return obj.get_absolute_url()
        return reverse("articles:article-preview", kwargs={"pk": obj.pk})

    # --- actions --------------------------------------------------------------------

    @admin.action(description="Publish selected articles now", permissions=["publish"])
    def publish_now(self, request, queryset):
        # Wire copy with an unchecked headline is refused, each named (the service's rule).
        _run_action(self, request, queryset, services.article_publish, "published")

    @admin.action(description="Submit selected articles for review", permissions=["change"])
    def submit_for_review(self, request, queryset):
        _run_action(self, request, queryset, services.article_submit, "submitted for review")

    @admin.action(description="Withdraw selected articles", permissions=["publish"])
    def withdraw(self, request, queryset):
        _run_action(self, request, queryset, services.article_withdraw, "withdrawn")

    @admin.action(description="Return selected articles to draft", permissions=["change"])
    def return_to_draft(self, request, queryset):
        _run_action(self, request, queryset, services.article_return_to_draft,
                    "returned to draft")
