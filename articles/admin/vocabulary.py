"""The vocabularies in the admin: countries (aliases only), ministers and policies, with
the best matches first when searching and the Merge action."""

from django.contrib import admin, messages
from django.contrib.admin.options import ShowFacets
from django.db.models import Case, Count, Value, When
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join

from articles.admin.input import CheckedInputMixin
from articles.editorial import services
from articles.editorial.forms import VocabularyForm
from articles.models import Country, Minister, Policy, TagMerge, taxonomy_of
from articles.platform.admin_lists import CheckedListMixin


class VocabularyAdmin(CheckedListMixin, CheckedInputMixin, admin.ModelAdmin):
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
            # counts, and counting them on every keystroke would cost more than the rest.
            return queryset
        # An aggregate drops the model's default order, which pagination needs.
        return queryset.annotate(article_count=Count("tagged_items")).order_by("name")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        for alias, owners in getattr(form, "shared_aliases", {}).items():
            self.message_user(
                request,
                f"“{alias}” is shared with {', '.join(owners)}: in a story it goes to the "
                "entry named in full, and to none when both or neither are.",
                messages.WARNING,
            )

    @admin.display(description="articles", ordering="article_count")
    def article_total(self, tag):
        return tag.article_count

    @admin.display(description="aliases")
    def alias_list(self, tag):
        return ", ".join(tag.aliases)

    @admin.display(description="merged into this entry")
    def merged_here(self, tag):
        """The entries merged into this one: who merged them, and when."""
        merges = TagMerge.objects.filter(
            taxonomy=taxonomy_of(type(tag)).key, kept_id=tag.pk
        ).select_related("merged_by")
        return format_html_join(
            ", ", "“{}” ({}{})",
            ((m.old_name, date_format(timezone.localtime(m.merged_at), "j M Y, H:i"),
              f" by {m.merged_by.get_full_name() or m.merged_by.get_username()}"
              if m.merged_by else "") for m in merges),
        ) or "—"

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
            moved = services.tag_merge(keep=keep, merged=others, by=request.user)
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
    autocomplete_fields = ["country", "photo"]
    fields = ["name", "slug", "office", "country", "aliases", "in_office_from",
              "in_office_to", "photo", "merged_here"]
    readonly_fields = ["slug", "merged_here"]


@admin.register(Policy)
class PolicyAdmin(VocabularyAdmin):
    list_display = ["name", "article_total", "alias_list", "page_link"]
    fields = ["name", "slug", "description", "aliases", "merged_here"]
    readonly_fields = ["slug", "merged_here"]
