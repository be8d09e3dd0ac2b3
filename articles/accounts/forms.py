"""The accounts' forms: the second step's code (from the authenticator app, or a backup
code), and a colleague's account as an editor invites or changes it."""

from django import forms

from articles.accounts import people, two_factor
from articles.models import Person
from articles.platform.text import PlainTextValidator


class CodeForm(forms.Form):
    """One code, as typed: spaces, dashes and capitals are forgiven."""

    code = forms.CharField(
        label="Code",
        max_length=32,
        widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false",
            "autocapitalize": "off", "size": 12,
        }),
    )
    invalid_message = "Enter the 6-digit code from your authenticator app, or a backup code."

    def clean_code(self):
        code = two_factor.normalise_code(self.cleaned_data["code"])
        if not two_factor.is_code(code):
            raise forms.ValidationError(self.invalid_message, code="invalid")
        return code


class SetupCodeForm(CodeForm):
    """Setting up takes a code from the app itself (a backup code means nothing yet)."""

    invalid_message = "Enter the 6-digit code your authenticator app shows now."

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = "6-digit code from the app"
        self.fields["code"].widget.attrs.update(inputmode="numeric", pattern="[0-9 ]*")

    def clean_code(self):
        code = super().clean_code()
        if not two_factor.APP_CODE.fullmatch(code):
            raise forms.ValidationError(self.invalid_message, code="invalid")
        return code


class PersonForm(forms.ModelForm):
    """A colleague's name, email and role, as an editor may change them."""

    role = forms.ChoiceField(
        choices=people.ROLE_CHOICES,
        help_text="A reporter writes and submits for review; an editor also publishes, "
                  "manages the vocabularies and the newsroom's people.",
    )

    class Meta:
        model = Person
        fields = ["first_name", "last_name", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "email" not in self.fields:
            return  # the admin's read-only view (your own account): nothing to check
        for name in ("first_name", "last_name"):
            self.fields[name].validators.append(PlainTextValidator(names=True))
        self.fields["first_name"].required = True
        self.fields["email"].required = True
        self.fields["email"].help_text = (
            "Where the invitation with the set-password link goes."
        )
        if self.instance.pk:
            self.initial.setdefault("role", people.role_of(self.instance))

    def clean_email(self):
        email = self.cleaned_data["email"]
        others = Person.objects.filter(email__iexact=email, is_active=True)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError("An active account already has this email address.",
                                        code="unique")
        return email


class InviteForm(PersonForm):
    """A new colleague: their username too; the password is theirs to set."""

    class Meta(PersonForm.Meta):
        fields = ["username", *PersonForm.Meta.fields]
