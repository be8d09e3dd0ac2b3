"""Authors in the admin: their own pages (search, slug from the name), and the ordered
authors of an article (``ArticleAuthorInline``, on the article form)."""

from django import forms
from django.contrib import admin
from django.contrib.admin.options import ShowFacets
from django.contrib.admin.widgets import AutocompleteSelect
from django.db.models import Count
from django.forms.models import BaseInlineFormSet

from articles.admin.input import CheckedInputMixin
from articles.editorial.forms import AuthorForm
from articles.models import ArticleAuthor, Author
from articles.platform.admin_lists import CheckedListMixin
from articles.platform.text import row_id


class AuthorPicker(AutocompleteSelect):
    """Autocomplete for a byline's author that re-displays only a real id, whatever was
    posted (a crafted "abc" would otherwise reach the query of the chosen option)."""

    def format_value(self, value):
        return [v for v in super().format_value(value) if row_id(v) is not None]


class AuthorChoiceField(forms.ModelChoiceField):
    """An author by id: a value no id column can hold is an invalid choice, before a
    query sees it."""

    def to_python(self, value):
        if value not in self.empty_values and row_id(value) is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"],
                                        code="invalid_choice")
        return super().to_python(value)


class BylineFormSet(BaseInlineFormSet):
    """A byline's rows, each field named for screen readers: a table's row has no
    <label> of its own (axe: label, aria-input-field-name)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["aria-label"] = "Remove this author"


class ArticleAuthorInline(admin.TabularInline):
    """The article's byline: authors picked by name, in the order of their position."""

    model = ArticleAuthor
    formset = BylineFormSet
    extra = 1
    fields = ["author", "position"]
    autocomplete_fields = ["author"]
    verbose_name = "author"
    verbose_name_plural = "Authors (the byline reads in order of position: 0 first)"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "author":
            kwargs["widget"] = AuthorPicker(db_field, self.admin_site,
                                            attrs={"aria-label": "Author"},
                                            using=kwargs.get("using"))
            kwargs["form_class"] = AuthorChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "position":
            field.widget.attrs["aria-label"] = "Position in the byline"
        return field

    # Who may change the article may change its byline.
    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("articles.view_article")

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("articles.change_article")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("articles.change_article")

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("articles.change_article")


@admin.register(Author)
class AuthorAdmin(CheckedListMixin, CheckedInputMixin, admin.ModelAdmin):
    form = AuthorForm
    list_display = ["name", "role", "article_total", "user"]
    search_fields = ["name", "role", "slug"]
    prepopulated_fields = {"slug": ("name",)}
    show_facets = ShowFacets.NEVER
    autocomplete_fields = ["photo"]
    fieldsets = [(None, {"fields": ["name", "slug", "role", "bio", "photo", "user"]})]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == "autocomplete":
            return queryset  # picking a byline needs no counts
        return queryset.annotate(article_count=Count("article_rows")).order_by("name")

    @admin.display(description="articles", ordering="article_count")
    def article_total(self, author):
        return author.article_count
