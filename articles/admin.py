"""The editorial backend: articles with workflow, history and locking; the vocabularies."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters, ShowFacets
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect, RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from reversion.admin import VersionAdmin
from reversion.models import Version

from articles import history, services, workflow
from articles.accounts import admin as accounts_admin  # noqa: F401  (registers sign-in lists)
from articles.admin_input import CheckedInputMixin, is_id_of
from articles.admin_list import (
    BoundedChangeList,
    BoundedDateFieldListFilter,
    BoundedPaginator,
    page_number,
)
from articles.admin_tagging import SuggestedTagsMixin
from articles.forms import ArticleForm, CorrectionForm, VocabularyForm, VocabularyPicker
from articles.models import TAXONOMIES, Article, Correction, Country, Minister, Policy
from articles.selectors import most_covered


class StatusFilter(admin.SimpleListFilter):
    """Status as the desk thinks of it: scheduled is not the same as live."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            ("draft", "Draft"),
            ("review", "In review"),
            ("scheduled", "Scheduled"),
            ("live", "Published (live)"),
            ("withdrawn", "Withdrawn"),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "scheduled":
            return queryset.scheduled()
        if value == "live":
            return queryset.published()
        if value in (Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.WITHDRAWN):
            return queryset.filter(status=value)
        return queryset


class TagFilter(admin.SimpleListFilter):
    """Articles with one tag, by a subquery on the tag's rows: no join, so no DISTINCT.

    The sidebar offers the tag chosen and the month's most covered; any other entry is
    found by typing its name (the article form's own autocomplete), so the page never
    lists a whole vocabulary (949 links at 100,000 articles).
    """

    template = "admin/articles/article/tag_filter.html"
    taxonomy = None
    TAG_PLACEHOLDER = "__tag__"

    def lookups(self, request, model_admin):
        picks = [(link.pk, link.name) for link in most_covered()[self.taxonomy.kind]]
        value = self.value()
        is_id = value and is_id_of(self.taxonomy.model, value)
        if is_id and all(str(pk) != value for pk, _ in picks):
            chosen = self.taxonomy.model.objects.filter(pk=value).values_list("pk", "name")
            picks = [*chosen, *picks]
        return picks

    def has_output(self):
        return True  # the search box, even when nothing was covered this month

    def choices(self, changelist):
        # For the template's search box: the admin's autocomplete of the article form's
        # tag field, and this list's address with the tag's id to fill in.
        self.search = {
            "url": reverse(f"{changelist.model_admin.admin_site.name}:autocomplete"),
            "app_label": Article._meta.app_label,
            "model_name": Article._meta.model_name,
            "field_name": self.taxonomy.manager,
            "pick_url": changelist.get_query_string(
                {self.parameter_name: self.TAG_PLACEHOLDER}
            ),
            "parameter": self.parameter_name,
        }
        return super().choices(changelist)

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if not is_id_of(self.taxonomy.model, value):
            raise IncorrectLookupParameters(f"Unknown {self.title}.")
        tagged = self.taxonomy.through.objects.filter(tag_id=int(value))
        return queryset.filter(pk__in=tagged.values("content_object_id"))


def tag_filter(taxonomy):
    return type(f"{taxonomy.model.__name__}Filter", (TagFilter,), {
        "title": taxonomy.kind, "parameter_name": taxonomy.kind, "taxonomy": taxonomy,
    })


TAG_FILTERS = [tag_filter(taxonomy) for taxonomy in TAXONOMIES.values()]


class CorrectionInline(admin.TabularInline):
    model = Correction
    form = CorrectionForm
    extra = 0
    fields = ["kind", "note", "created_at"]
    readonly_fields = ["created_at"]
    verbose_name = "correction or update note"
    verbose_name_plural = "Corrections and updates (shown to readers with their time)"


def _run_action(modeladmin, request, queryset, service, done):
    """Apply a workflow service to each selected article and say what happened."""
    ok, refused = 0, []
    for article in queryset:
        try:
            service(article=article, by=request.user)
            ok += 1
        except PermissionDenied as error:
            refused.append(f"“{article.headline}”: {error}")
    if ok:
        modeladmin.message_user(
            request, f"{ok} article{'s' if ok != 1 else ''} {done}.", messages.SUCCESS
        )
    for reason in refused:
        modeladmin.message_user(request, reason, messages.WARNING)


class ArticleChangeList(BoundedChangeList):
    # What the rows show and read (str() is the headline, the status column reads the
    # time): loading the other columns of 100 rows costs ~1 ms. Any other field a
    # column reads costs a query per row, which the list's query-count test catches.
    row_fields = ["id", "headline", "status", "published_at", "bylines", "updated_at"]

    def get_queryset(self, request, exclude_parameters=None):
        # The list shows no body, and tag names come as columns of the list query:
        # no query per taxonomy or per row.
        return (
            super().get_queryset(request, exclude_parameters)
            .defer("body", "standfirst", "search_vector")
            .with_tag_names()
        )

    def get_results(self, request):
        super().get_results(request)
        # Only the page's rows: actions still receive whole articles.
        self.result_list = self.result_list.only(*self.row_fields)


@admin.register(Article)
class ArticleAdmin(CheckedInputMixin, SuggestedTagsMixin, VersionAdmin):
    form = ArticleForm
    list_display = [
        "headline", "status_label", "published_at", "bylines",
        "country_list", "minister_list", "policy_list", "updated_at",
    ]
    list_display_links = ["headline"]
    list_filter = [
        StatusFilter, "headline_needs_review", *TAG_FILTERS,
        ("published_at", BoundedDateFieldListFilter),
    ]
    list_per_page = 100
    # Reversion's list (with its "Recover deleted articles" link) plus the bounded parts.
    change_list_template = "admin/articles/article/change_list.html"
    list_select_related = False
    search_fields = ["headline", "standfirst", "bylines", "slug"]
    date_hierarchy = "published_at"
    show_full_result_count = False
    show_facets = ShowFacets.NEVER
    prepopulated_fields = {"slug": ("headline",)}
    inlines = [CorrectionInline]
    save_on_top = True
    history_latest_first = True
    object_history_template = "reversion/articles/article/object_history.html"
    actions = ["publish_now", "submit_for_review", "withdraw", "return_to_draft"]
    fieldsets = [
        ("Story", {"fields": [
            "headline", "slug", "standfirst", "body", "dateline", "bylines",
        ]}),
        ("Tagging", {
            "fields": ["countries", "ministers", "policies"],
            "description": "Pick from the newsroom's vocabulary. Countries are the ISO "
            "list; add a minister or policy with the + button.",
        }),
        ("Publishing", {"fields": [
            "status", "published_at", "headline_needs_review", "withdrawal_note",
            "version", "audit",
        ]}),
        ("Image", {"classes": ["collapse"], "fields": [
            "image", "image_alt", "image_caption", "image_credit",
        ]}),
    ]

    class Media:
        css = {"all": ["newsroom-admin/article-form.css"]}
        js = ["newsroom-admin/body-editor.js", "newsroom-admin/autosave.js"]

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
        return BoundedPaginator(queryset, per_page, orphans=orphans,
                                allow_empty_first_page=allow_empty_first_page,
                                page=page_number(request))

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST":  # actions change articles: record them in history
            return super().changelist_view(request, extra_context)
        # Reading the list needs no revision (and no transaction around it).
        return admin.ModelAdmin.changelist_view(self, request, extra_context)

    @admin.display(description="status", ordering="status")
    def status_label(self, article):
        if article.is_scheduled:
            # In the admin's own format, like the publication time beside it.
            return f"Scheduled {date_format(timezone.localtime(article.published_at), 'j M, P')}"
        return article.get_status_display()

    @admin.display(description="countries")
    def country_list(self, article):
        return article.country_names or ""

    @admin.display(description="ministers")
    def minister_list(self, article):
        return article.minister_names or ""

    @admin.display(description="policies")
    def policy_list(self, article):
        return article.policy_names or ""

    @admin.display(description="last change")
    def audit(self, article):
        if not article.pk:
            return "Not saved yet."
        by = article.updated_by.get_username() if article.updated_by else "import"
        created = article.created_by.get_username() if article.created_by else "import"
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
        readonly = ["audit"]
        if not workflow.can_publish(request.user):
            readonly.append("published_at")
        if obj is not None and obj.status in services.PUBLIC_ONCE:
            readonly.append("slug")  # the public address must not change under readers
        return readonly

    def get_prepopulated_fields(self, request, obj=None):
        if "slug" in self.get_readonly_fields(request, obj):
            return {}
        return super().get_prepopulated_fields(request, obj)

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
                form_class=forms.ModelMultipleChoiceField,
                queryset=model.objects.all(),
                widget=widget,
                required=False,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

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

    def save_model(self, request, obj, form, change):
        services.article_save(
            article=obj,
            by=request.user,
            expected_version=form.cleaned_data.get("version"),
            headline_changed=change and "headline" in form.changed_data,
        )

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """One stored version compared with the article now; POST reverts to it.

        Replaces django-reversion's revert, which restores a whole revision before any
        check: here only a version of this very article is found, and the revert is an
        edit through ``services.article_revert`` under the same role rules.
        """
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such article.")
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        version = history.article_version(article.pk, version_id)
        if version is None:
            raise Http404("No such version of this article.")
        if request.method == "POST":
            try:
                expected = int(request.POST.get("version", ""))
            except ValueError:
                expected = 0  # a form without the version it was opened at is stale
            try:
                article = services.article_revert(
                    article=article, version=version, by=request.user,
                    expected_version=expected,
                )
            except (services.StaleEdit, services.RevertRefused, PermissionDenied) as error:
                self.message_user(request, str(error), messages.ERROR)
                return redirect(request.path)
            self.message_user(
                request,
                f"Reverted to the version saved {self.saved_on(version)}. This is now "
                f"version {article.version}; the history keeps every earlier one.",
                messages.SUCCESS,
            )
            return redirect("admin:articles_article_change", article.pk)
        before = history.version_snapshots([version], article.pk)[0]
        now = history.current_snapshot(article)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Revert “{article.headline}”",
            "subtitle": None,
            "opts": self.opts,
            "original": article,
            "version": version,
            "saved_on": self.saved_on(version),
            "changes": history.compare(now, before, history.tag_names([before, now])),
            "missing": history.missing_tags(before),
            "keeps_address": article.status in services.PUBLIC_ONCE,
            "action": "revert",
            "button": "Revert to this version",
            "back_url": reverse("admin:articles_article_history", args=[article.pk]),
            "back_label": "Back to the history",
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/articles/article/revert_confirm.html", context)

    @staticmethod
    def saved_on(version):
        saved = timezone.localtime(version.revision.date_created)
        user = version.revision.user
        by = f" by {user.get_full_name() or user.get_username()}" if user else ""
        return f"on {date_format(saved, 'j M Y, H:i')}{by}"

    def recoverlist_view(self, request, extra_context=None):
        if not request.user.has_perm("articles.edit_any_article"):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        """A deleted article, brought back by an editor through ``article_recover``."""
        if not request.user.has_perm("articles.edit_any_article"):
            raise PermissionDenied
        version = get_object_or_404(
            Version.objects.get_deleted(Article).select_related("revision"), pk=version_id
        )
        if request.method == "POST":
            try:
                article = services.article_recover(version=version, by=request.user)
            except (services.RevertRefused, PermissionDenied) as error:
                self.message_user(request, str(error), messages.ERROR)
                return redirect("admin:articles_article_recoverlist")
            self.message_user(request, f"Recovered “{article.headline}”.", messages.SUCCESS)
            return redirect("admin:articles_article_change", article.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Recover “{version.object_repr}”",
            "subtitle": None,
            "opts": self.opts,
            "version": version,
            "saved_on": self.saved_on(version),
            "action": "recover",
            "button": "Recover this article",
            "back_url": reverse("admin:articles_article_recoverlist"),
            "back_label": "Back to deleted articles",
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/articles/article/revert_confirm.html", context)

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        actions = getattr(response, "context_data", {}).get("action_list")
        if actions:
            article_id = unquote(object_id)
            versions = Version.objects.get_for_object_reference(Article, article_id)
            changes = history.article_changes(versions.order_by("-pk"), article_id)
            for action, changed in zip(actions, changes, strict=False):
                action["changes"] = changed
        return response

    def get_view_on_site_url(self, obj=None):
        if obj is None:
            return None
        if obj.is_public:
            return obj.get_absolute_url()
        return reverse("articles:article-preview", kwargs={"pk": obj.pk})

    # --- actions --------------------------------------------------------------------

    @admin.action(description="Publish selected articles now", permissions=["publish"])
    def publish_now(self, request, queryset):
        _run_action(self, request, queryset, services.article_publish, "published")
        unchecked = [a.headline for a in queryset if a.headline_needs_review]
        if unchecked:
            self.message_user(
                request,
                f"Published with a wire headline nobody has checked yet: "
                f"{'; '.join(unchecked)}. Review them from the desk.",
                messages.WARNING,
            )

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


# --- vocabularies ---------------------------------------------------------------------


class VocabularyAdmin(CheckedInputMixin, admin.ModelAdmin):
    form = VocabularyForm

    def get_search_results(self, request, queryset, search_term):
        """Best matches first: the exact name, then names starting with the term."""
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            queryset = queryset.annotate(
                match_rank=Case(
                    When(name__iexact=term, then=Value(0)),
                    When(name__istartswith=term, then=Value(1)),
                    default=Value(2),
                )
            ).order_by("match_rank", "name")
        return queryset, duplicates

    search_fields = ["name", "aliases"]
    readonly_fields = ["slug"]
    show_facets = ShowFacets.NEVER
    actions = ["merge"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == "autocomplete":
            # Picking a tag (the article form, the list's filters) shows no article
            # counts; counting them costs ~50 ms a keystroke at 100,000 articles.
            return queryset
        # An aggregate drops the model's default order, which pagination needs.
        return queryset.annotate(article_count=Count("tagged_items")).order_by("name")

    @admin.display(description="articles", ordering="article_count")
    def article_total(self, tag):
        return tag.article_count

    @admin.display(description="aliases")
    def alias_list(self, tag):
        return ", ".join(tag.aliases)

    @admin.display(description="page")
    def page_link(self, tag):
        return format_html('<a href="{}">view</a>', tag.get_absolute_url())

    @admin.action(description="Merge selected entries into one", permissions=["change"])
    def merge(self, request, queryset):
        """Ask which entry to keep, then move every article's tag onto it."""
        entries = list(queryset.order_by("-article_count", "name"))
        if len(entries) < 2:
            self.message_user(request, "Select at least two entries to merge.",
                              messages.WARNING)
            return None
        if request.POST.get("keep"):
            keep = next((e for e in entries if str(e.pk) == request.POST["keep"]), None)
            if keep is None:
                self.message_user(request, "Choose one of the selected entries to keep.",
                                  messages.ERROR)
                return None
            others = [e for e in entries if e.pk != keep.pk]
            moved = services.tag_merge(keep=keep, merged=others)
            names = ", ".join(f"“{e.name}”" for e in others)
            self.message_user(
                request,
                f"Merged {names} into “{keep.name}”: {moved} article tag"
                f"{'s' if moved != 1 else ''} moved; the old names are now aliases.",
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": f"Merge {self.model._meta.verbose_name_plural}",
            "opts": self.model._meta,
            "entries": entries,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/articles/merge_tags.html", context)


@admin.register(Country)
class CountryAdmin(VocabularyAdmin):
    """The ISO list is fixed: editors add aliases, never countries."""

    list_display = ["name", "code", "article_total", "alias_list", "page_link"]
    search_fields = ["name", "code", "aliases"]
    readonly_fields = ["name", "code", "slug"]
    fields = ["name", "code", "slug", "aliases"]
    actions = []

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False



@admin.register(Minister)
class MinisterAdmin(VocabularyAdmin):
    list_display = ["name", "office", "country", "article_total", "alias_list", "page_link"]
    list_filter = ["country"]
    list_select_related = ["country"]
    search_fields = ["name", "office", "aliases"]
    autocomplete_fields = ["country"]
    fields = ["name", "slug", "office", "country", "aliases", "in_office_from",
              "in_office_to"]


@admin.register(Policy)
class PolicyAdmin(VocabularyAdmin):
    list_display = ["name", "article_total", "alias_list", "page_link"]
    fields = ["name", "slug", "description", "aliases"]
