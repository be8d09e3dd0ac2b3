"""Admin forms: the article form with optimistic locking and the vocabulary pickers."""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.utils import timezone
from django_prose_editor.widgets import ProseEditorWidget

from articles.editorial import workflow
from articles.editorial.services import HEADLINE_UNCHECKED, LIVE_TIME_IN_FUTURE, StaleEdit
from articles.models import Article, Author, Correction, TagMerge, address_refusal
from articles.models.vocabulary import PLAIN_TEXT, TAXONOMIES
from articles.platform.dates import publication_date_error
from articles.platform.sanitising import BODY_EXTENSIONS, refused_links
from articles.platform.text import find_forbidden, normalise_line_ends, row_id


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
        """A name stands for one entry only; an alias may be shared ("Mr Kim" for two
        ministers called Kim): the tagger then resolves it in each story, and
        `shared_aliases` lists the other entries so the admin can warn."""
        cleaned = super().clean()
        name = cleaned.get("name") or self.instance.name
        others = type(self.instance).objects.exclude(pk=self.instance.pk)
        claimed = {}
        for other, aliases in others.values_list("name", "aliases"):
            for other_name in [other, *aliases]:
                claimed.setdefault(other_name.casefold(), []).append(other)
        if name and claimed.get(name.casefold()):
            self.add_error("name", f"“{name}” already stands for "
                           f"{', '.join(claimed[name.casefold()])}. Merge the two "
                           "entries instead (the Merge action on the list).")
        self.shared_aliases = {
            alias: sorted(set(claimed[alias.casefold()]))
            for alias in cleaned.get("aliases") or []
            if claimed.get(alias.casefold())
        }
        return cleaned


class BodyEditor(ProseEditorWidget):
    """The body in django-prose-editor, configured from ``BODY_EXTENSIONS`` (the schema
    the server keeps). The textarea underneath always holds the body's HTML, so the
    form posts it and other scripts read it; without JavaScript it is the plain
    textarea. Our own module starts the editor: the library's presets need an inline
    import map, which the admin's Content-Security-Policy does not run."""

    def __init__(self):
        super().__init__(attrs={"rows": 20, "class": "vLargeTextField"},
                         config={"extensions": BODY_EXTENSIONS}, preset="configurable")

    @property
    def media(self):
        return forms.Media(
            css={"all": ["django_prose_editor/material-icons.css",
                         "django_prose_editor/editor.css",
                         "newsroom-admin/body-editor.css"]},
            js=[forms.Script("newsroom-admin/body-editor.js", type="module")],
        )


class VocabularyPicker(AutocompleteSelectMultiple):
    """Autocomplete for tags that re-displays only real ids, whatever was posted.

    Every entry is an option, not only the chosen ones as Django's autocomplete renders:
    without JavaScript it is a plain multi-select that still tags; with it, select2
    searches the same entries and finds the option already there.
    """

    def format_value(self, value):
        return [v for v in super().format_value(value) if row_id(v) is not None]

    def optgroups(self, name, value, attr=None):
        return forms.SelectMultiple.optgroups(self, name, value, attr)

    def build_attrs(self, base_attrs, extra_attrs=None):
        # No "clear all": select2 puts its × inside the list of choices, which screen
        # readers then misread (axe: list); each choice keeps its own ×.
        return {**super().build_attrs(base_attrs, extra_attrs), "data-allow-clear": "false"}


class AuthorForm(PlainTextForm):
    class Meta:
        model = Author
        fields = ["name", "slug", "role", "bio", "photo", "user"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "user" in self.fields:  # a byline links to a newsroom account, not a reader's
            self.fields["user"].queryset = (
                self.fields["user"].queryset.filter(is_staff=True).order_by("username"))


class CorrectionForm(PlainTextForm):
    class Meta:
        model = Correction
        fields = ["kind", "note"]


# What the Schedule… input reads: the browser's datetime-local value, or the same
# typed by hand (with JavaScript off and no native picker), in the newsroom's time zone.
SCHEDULE_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M",
                          "%Y-%m-%d %H:%M:%S"]


class TagChoiceField(forms.ModelMultipleChoiceField):
    """The entries chosen for one taxonomy: a posted value no id column can hold (30
    digits, "²") is refused by name like any unknown choice, before a query sees it."""

    def _check_values(self, value):
        for posted in value:
            if row_id(posted) is None:
                raise forms.ValidationError(self.error_messages["invalid_pk_value"],
                                            code="invalid_pk_value",
                                            params={"pk": posted})
        return super()._check_values(value)


class MinuteDateTimeField(forms.DateTimeField):
    """A time to the minute, as the datetime-local input shows it: a saved time whose
    seconds the input cannot show is unchanged while its minute is."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, **kwargs):
        super().__init__(input_formats=SCHEDULE_INPUT_FORMATS, **kwargs)

    def to_python(self, value):
        # Django reads past a stray control character ("12:00\x00" is noon): refuse it.
        found = isinstance(value, str) and find_forbidden(value, names=True)
        if found:
            raise forms.ValidationError(f"The time {found.describe()}.",
                                        code="control_character")
        return super().to_python(value)

    def has_changed(self, initial, data):
        if data in self.empty_values:
            return False  # not sent, or cleared: the form refuses or ignores it
        try:
            data = self.to_python(data)
        except forms.ValidationError:
            return True
        return _minute(initial) != _minute(data)


def posted_after_merges(data, add_prefix):
    """The posted data with each merged-away tag read as the entry it was merged into
    (a merge of a merge followed to its end): a form opened before a merge still
    names the old entry, which must neither be refused as an unknown choice nor lost."""
    changed = None
    for taxonomy in TAXONOMIES.values():
        name = add_prefix(taxonomy.plural)
        posted = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        if not isinstance(posted, list | tuple):
            continue
        ids = {row_id(v) for v in posted} - {None}
        kept = TagMerge.objects.kept_ids(taxonomy.key, ids) if ids else {}
        if not kept:
            continue
        now = list(dict.fromkeys(
            str(kept.get(row_id(v), v)) for v in posted))
        if changed is None:
            changed = data.copy()
        if hasattr(changed, "setlist"):
            changed.setlist(name, now)
        else:
            changed[name] = now
    return data if changed is None else changed


def _minute(moment):
    return moment and timezone.localtime(moment).replace(second=0, microsecond=0)


class ArticleForm(PlainTextForm):
    """The article form. Tags come only from the vocabulary; a stale edit is refused.

    Status and publication time are not fields: the workflow buttons change them
    (``workflow`` names the button pressed), through the services, and only the steps
    ``workflow.form_actions`` offers this user for this article are accepted.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    workflow = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    schedule_at = MinuteDateTimeField(label="Publish at", required=False)
    # Offered (by the admin's fieldsets) to editors for a live story only: a new date
    # moves its address, and the old one keeps leading here.
    published_at = MinuteDateTimeField(
        label="Publication time", required=False,
        help_text="When readers were told the story was published, in the newsroom's time "
        "zone. Its date is part of the article's address: a new date gives it a new "
        "address, and the old one keeps leading here.",
    )
    withdrawal_reason = forms.CharField(
        label="Reason for withdrawing", required=False, max_length=500,
        validators=PLAIN_TEXT,
        help_text="Kept in the article's history for the newsroom; readers never see it.",
    )

    class Meta:
        model = Article
        fields = [
            "headline", "slug", "standfirst", "body", "dateline", "source",
            "hero_image",
            "countries", "ministers", "policies",
            "headline_needs_review", "withdrawal_note",
        ]
        widgets = {
            "standfirst": forms.Textarea(attrs={"rows": 3}),
            "withdrawal_note": forms.Textarea(attrs={"rows": 2}),
            "body": BodyEditor(),
        }

    # Set by the admin for each request: who is editing, and the article as saved now
    # (locked for the rest of the request), which the posted version must not predate.
    user = None
    saved = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data = posted_after_merges(self.data, self.add_prefix)
        if "slug" in self.fields:  # empty: the headline's, as long as it follows it
            self.fields["slug"].required = False
            self.fields["slug"].error_messages["invalid"] = SLUG_INVALID
        if self.saved is not None:
            self.initial["version"] = self.saved.version
            if self.saved.is_scheduled:  # Schedule… moves it from where it is
                self.initial.setdefault("schedule_at", self.saved.published_at)

    def clean_body(self):
        """A link a reader could not follow is named, not dropped without a word."""
        body = self.cleaned_data.get("body", "")
        refused = refused_links(body)
        if refused:
            raise forms.ValidationError(
                "A link's address must start with http://, https:// or mailto: "
                "(or be a web address such as www.example.org). Change or remove: %(links)s",
                code="link_scheme", params={"links": ", ".join(f"“{h}”" for h in refused)})
        return body

    def clean_hero_image(self):
        """Readers who cannot see the picture are told what it shows."""
        image = self.cleaned_data.get("hero_image")
        if image is not None and not image.alt_text.strip():
            raise forms.ValidationError(
                "This image has no alt text yet: add it in the image library (what the "
                "image shows, for readers who cannot see it), then choose it again.",
                code="no_alt_text")
        return image

    def clean_slug(self):
        """Empty: the headline's (until readers have seen the article); otherwise an
        address no other article has or had."""
        slug = self.cleaned_data.get("slug", "")
        if not slug:
            if self.saved is not None and self.saved.address_seen:
                raise forms.ValidationError(
                    "Readers know this article by its address: type the new last part of "
                    "it, or leave the one it has.", code="required")
            return slug
        refusal = address_refusal(slug, article_id=self.instance.pk)
        if refusal:
            raise forms.ValidationError(refusal, code="address_taken")
        return slug

    def clean_published_at(self):
        """A live story's new time: one that has come, within the accepted dates; the
        saved time, seconds and all, while the minute is unchanged or the field is not
        sent."""
        at = self.cleaned_data.get("published_at")
        if "published_at" not in (self._meta.fields or ()) or self.saved is None:
            return at
        if self.add_prefix("published_at") not in self.data:
            return self.saved.published_at  # a form from before the field: unchanged
        if at is None:
            raise forms.ValidationError("A live story needs its publication time.",
                                        code="required")
        if _minute(at) == _minute(self.saved.published_at):
            return self.saved.published_at
        validate_publication_time(at)
        if at > timezone.now():
            raise forms.ValidationError(LIVE_TIME_IN_FUTURE, code="future")
        return at

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
                raise forms.ValidationError(
                    f"{StaleEdit(self.saved).summary} Your changes have not been saved and "
                    "are still in the form: see what they changed below, then keep editing "
                    "your text or load their version.",
                    code="stale")
            if version > self.saved.version:
                raise forms.ValidationError(
                    f"This form says it edits version {version} of the article, but the "
                    f"latest is version {self.saved.version}. Reload the article and make "
                    "the change again.",
                    code="unknown_version",
                )
        if self.user is not None:
            self.clean_workflow_step(cleaned)
        return cleaned

    def clean_workflow_step(self, cleaned):
        """Refuse a step this user may not take now, or one that lacks what it needs.

        A POST without a button (an older page, a script) saves, as Save would.
        """
        offered = workflow.form_actions(self.user, self.saved)
        action = cleaned.get("workflow") or (offered[0] if offered else None)
        if action == workflow.SAVE and workflow.UPDATE in offered:
            action = workflow.UPDATE  # a live story saved stays live: that is Update
        if action not in offered:
            raise forms.ValidationError(
                f"You may not {ACTION_VERBS.get(action, 'do that to')} this article now. Nothing "
                "was saved; your text is still in the form.", code="not_allowed")
        cleaned["workflow"] = action
        if action in (workflow.PUBLISH, workflow.SCHEDULE) and (
            cleaned.get("headline_needs_review") and "headline" not in self.changed_data
        ):
            self.add_error("headline", forms.ValidationError(
                HEADLINE_UNCHECKED, code="headline_unchecked"))
        if action == workflow.SCHEDULE:
            at = cleaned.get("schedule_at")
            if at is None and "schedule_at" not in self.errors:
                self.add_error("schedule_at", forms.ValidationError(
                    "Choose the date and time to publish at.", code="required"))
            elif at is not None and at <= timezone.now():
                self.add_error("schedule_at", forms.ValidationError(
                    "That time has passed: pick a later one, or use Publish now.",
                    code="past"))
        if action == workflow.WITHDRAW and not cleaned.get("withdrawal_reason"):
            if "withdrawal_reason" not in self.errors:
                self.add_error("withdrawal_reason", forms.ValidationError(
                    "Say why the story is withdrawn; the history keeps the reason.",
                    code="required"))

    def clean_schedule_at(self):
        at = self.cleaned_data.get("schedule_at")
        validate_publication_time(at)
        return at


SLUG_INVALID = (
    "The last part of an address may hold only letters (a–z, without accents), digits, "
    "hyphens and underscores: no spaces or other characters."
)

ACTION_VERBS = {
    workflow.SAVE: "save", workflow.SUBMIT: "submit", workflow.PUBLISH: "publish",
    workflow.SCHEDULE: "schedule", workflow.UNSCHEDULE: "unschedule",
    workflow.UPDATE: "update", workflow.WITHDRAW: "withdraw",
}


def validate_publication_time(published_at):
    """Refuse a publication time outside the accepted dates (``platform.dates``)."""
    error = published_at and publication_date_error(published_at)
    if error:
        raise forms.ValidationError(f"The date {error}.", code="out_of_range")
