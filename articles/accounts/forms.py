"""The second step's forms: a code from the authenticator app, or a backup code."""

from django import forms

from articles.accounts import two_factor


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
