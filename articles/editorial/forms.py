"""Admin forms: the article form with optimistic locking and the vocabulary pickers."""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelectMultiple

from articles.editorial import workflow
from articles.editorial.services import StaleEdit
from articles.models import Article, Correction
from articles.platform.dates import publication_date_error
from articles.platform.text import find_forbidden, normalise_line_ends


class PlainTextForm(forms.ModelForm):
    """Text as browsers send it (CRLF line ends) stored with newlines; the models'
    validators then refuse control characters with the place they are at."""

    def clean(self):
        cleaned = super().clean()
        for name, value in cleaned.items():
            if isinstance(value, str):
                cleaned[name] = normalise_line_ends(value)
        return cleaned


class AliasesField(forms.Field):
    """A JSON list of names edited as a textarea, one name per line."""

    widget = forms.Textarea(attrs={"rows": 3, "cols": 40})

    def clean(self, value):
        # Checked as typed: collapsing whitespace would hide a vertical tab or the like.
        if isinstance(value, str):
            for number, line in enumerate(normalise_line_ends(value).split("\n"), start=1):
                found = find_forbidden(line, names=True)
                if found:
                    raise forms.ValidationError(
                        f"Line {number} {found.describe()}.", code="control_character"
                    )
        return super().clean(value)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value):
        if isinstance(value, list | tuple):
            lines = value
        else:
            lines = (value or "").splitlines()
        names, seen = [], set()
        for line in lines:
            name = " ".join(str(line).split())
            if name and name.casefold() not in seen:
                seen.add(name.casefold())
                names.append(name)
        return names

    def has_changed(self, initial, data):
        return self.to_python(initial) != self.to_python(data)


class VocabularyForm(PlainTextForm):
    aliases = AliasesField(
        required=False,
        help_text="Other names the copy may use, one per line: spellings, surnames, "
        "demonyms, capitals. The auto-tagger and search use them.",
    )

    def clean(self):
        """A name or alias may stand for one entry only, or the tagger could not choose."""
        cleaned = super().clean()
        mine = [n for n in [cleaned.get("name") or self.instance.name,
                            *(cleaned.get("aliases") or [])] if n]
        others = type(self.instance).objects.exclude(pk=self.instance.pk)
        claimed = {}
        for name, aliases in others.values_list("name", "aliases"):
            for other_name in [name, *aliases]:
                claimed.setdefault(other_name.casefold(), name)
        for name in mine:
            owner = claimed.get(name.casefold())
            if owner:
                field = "name" if name == cleaned.get("name") else "aliases"
                self.add_error(field, f"“{name}” already stands for {owner}. Merge the two "
                               "entries instead (the Merge action on the list).")
        return cleaned


class VocabularyPicker(AutocompleteSelectMultiple):
    """Autocomplete for tags that re-displays only real ids, whatever was posted."""

    def format_value(self, value):
        return [v for v in super().format_value(value) if str(v).isdigit()]


class CorrectionForm(PlainTextForm):
    class Meta:
        model = Correction
        fields = ["kind", "note"]


class ArticleForm(PlainTextForm):
    """The article form. Tags come only from the vocabulary; a stale edit is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    class Meta:
        model = Article
        fields = [
            "headline", "slug", "standfirst", "body", "dateline", "bylines",
            "image", "image_alt", "image_caption", "image_credit",
            "countries", "ministers", "policies",
            "status", "published_at", "headline_needs_review", "withdrawal_note",
        ]
        widgets = {
            "standfirst": forms.Textarea(attrs={"rows": 3}),
            "withdrawal_note": forms.Textarea(attrs={"rows": 2}),
            "body": forms.Textarea(attrs={"rows": 20, "class": "vLargeTextField body-editor"}),
        }

    # Set by the admin for each request: who is editing, and the article as saved now
    # (locked for the rest of the request), which the posted version must not predate.
    user = None
    saved = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.saved is not None:
            self.initial["version"] = self.saved.version
        if "status" in self.fields and self.user is not None:
            current = self.saved.status if self.saved is not None else None
            allowed = workflow.allowed_statuses(self.user, current)
            self.fields["status"].choices = [
                (value, label) for value, label in Article.Status.choices if value in allowed
            ]

    def clean(self):
        cleaned = super().clean()
        if self.saved is not None:
            version = cleaned.get("version")
            if version is None:
                raise forms.ValidationError(
                    "This form did not say which version of the article it edits, so it "
                    "cannot be saved safely. Reload the article and make the change again.",
                    code="no_version",
                )
            if version < self.saved.version:
                raise forms.ValidationError(str(StaleEdit(self.saved)), code="stale")
            if version > self.saved.version:
                raise forms.ValidationError(
                    f"This form says it edits version {version} of the article, but the "
                    f"latest is version {self.saved.version}. Reload the article and make "
                    "the change again.",
                    code="unknown_version",
                )
        return cleaned

    def clean_published_at(self):
        published_at = self.cleaned_data.get("published_at")
        validate_publication_time(published_at)
        return published_at


def validate_publication_time(published_at):
    """Refuse a publication time outside the accepted dates (``platform.dates``)."""
    error = published_at and publication_date_error(published_at)
    if error:
        raise forms.ValidationError(f"The date {error}.", code="out_of_range")
