"""The article list's filters: status as the desk thinks of it, and one per taxonomy."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.urls import reverse

from articles.admin.input import is_id_of
from articles.models import TAXONOMIES, Article
from articles.public.selectors import most_covered


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
    lists a whole vocabulary.
    """

    template = "admin/articles/article/tag_filter.html"
    taxonomy = None
    TAG_PLACEHOLDER = "__tag__"

    def lookups(self, request, model_admin):
        picks = [(link.pk, link.name) for link in most_covered()[self.taxonomy.key]]
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
            "field_name": self.taxonomy.plural,
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
        "title": taxonomy.key, "parameter_name": taxonomy.key, "taxonomy": taxonomy,
    })


TAG_FILTERS = [tag_filter(taxonomy) for taxonomy in TAXONOMIES.values()]
