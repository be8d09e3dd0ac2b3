"""What the admin takes from the address and from the action form, checked before use.

Django's admin passes some request values to queries as they come: a NUL character
anywhere in a query (PostgreSQL refuses it in text), a prepopulating ``?published_at=abc``
on an add form, a selected row id that is not a number. Each of these was a server error;
here each is a clear refusal or an ignored value.
"""

from datetime import datetime
from functools import wraps

from django.contrib import messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.forms.utils import from_current_timezone
from django.http import HttpResponse, HttpResponseRedirect
from django.utils import timezone

NUL = "\x00"
NUL_REFUSED = (
    "This address contains a NUL character (%00), which no search, filter or page of "
    "the newsroom can use. Remove it from the address and try again.\n"
)


def carries_nul(request):
    """True when the path or any query parameter (name or value) holds a NUL."""
    return NUL in request.path or any(
        NUL in name or any(NUL in value for value in values)
        for name, values in request.GET.lists()
    )


def refusing_nul(view):
    """The admin view, answering 400 to an address that carries a NUL.

    Form fields need no such guard: Django's forms refuse NUL with a field error and
    keep the rest of what was typed.
    """
    @wraps(view)
    def guarded(request, *args, **kwargs):
        if carries_nul(request):
            return HttpResponse(NUL_REFUSED, status=400,
                                content_type="text/plain; charset=utf-8")
        return view(request, *args, **kwargs)

    return guarded


class CheckedInputMixin:
    """For ModelAdmins: initial values from the address and selected ids are checked."""

    def get_changeform_initial_data(self, request):
        """The add form's values from the query string, each as its field cleans it
        (a date becomes a time, "0" an unticked box); a value the field refuses
        (``?published_at=abc``, ``?country=x``) is ignored."""
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                initial[name] = self.clean_initial_value(name, value)
            except ValidationError:
                del initial[name]
        return initial

    def clean_initial_value(self, name, value):
        """A value from the address as its field cleans it; ValidationError if refused.

        Names that are no field (``_popup``) pass unchanged, as Django passes them.
        """
        declared = self.form.declared_fields.get(name)
        if declared is not None:
            return declared.clean(value)
        try:
            field = self.opts.get_field(name)
        except FieldDoesNotExist:
            return value
        if field.many_to_many:
            values = value.split(",") if isinstance(value, str) else value
            ids = [v for v in values if is_id_of(field.related_model, v)]
            return list(field.related_model.objects.filter(pk__in=ids)
                        .order_by("pk").values_list("pk", flat=True))
        if isinstance(field, models.FileField):
            raise ValidationError("A file is uploaded, never named in the address.")
        cleaned = field.clean(value, None)
        if isinstance(cleaned, datetime) and timezone.is_naive(cleaned):
            cleaned = from_current_timezone(cleaned)  # as the form reads a typed time
        return cleaned

    def response_action(self, request, queryset):
        """Refuse a selection whose ids are not ids (the query would fail on them)."""
        selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
        if not all(is_id_of(self.model, value) for value in selected):
            self.message_user(
                request,
                "The selected rows could not be read (a row id that is not a number), so "
                "nothing was changed. Select the rows again and repeat the action.",
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)


def is_id_of(model, value):
    """True for a value the model's id column can hold (a number within its range)."""
    try:
        model._meta.pk.clean(value, None)
    except ValidationError:
        return False
    return True
