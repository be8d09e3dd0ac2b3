"""Admin lists that take from their address only what their query can use.

Django's changelist passes any lookup on a model's own fields, with any value, to the
query (``?ip_address=999.1.1.1``, ``?headline__regex=(``, ``?id__range=1`` were 500s):
these lists take a column's exact value once its field has accepted it, besides their
own filters, search, sorting and pages, and show the whole list with the reason for
anything else.
"""

from datetime import date

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG, ChangeList
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.http import HttpResponseRedirect

from articles.platform.dates import FIRST_YEAR, LAST_YEAR


class CheckedChangeList(ChangeList):
    """Django's changelist, applying from the address only a column's exact value
    (``?username=priya``, ``?ip_address=203.0.113.5``), once the column's field has
    accepted it, besides the list's own filters, search, sorting and pages.

    Django passes any lookup with any value to the query: ``?ip_address=999.1.1.1`` was a
    500 on PostgreSQL, ``?username__range=x`` on both databases. Anything else goes
    Django's way for a lookup it cannot use: back to the whole list (``?e=1``).
    """

    def get_filters(self, request):
        filters = super().get_filters(request)
        for lookup, values in filters[2].items():  # what Django would pass to the query
            if not self.takes(lookup, values):
                raise IncorrectLookupParameters(f"{lookup} is not a filter this list takes")
        return filters

    def takes(self, lookup, values):
        if self.date_hierarchy and lookup in (f"{self.date_hierarchy}__gte",
                                              f"{self.date_hierarchy}__lt"):
            return True  # the date links' own range, which Django builds from checked dates
        try:
            field = self.opts.get_field(lookup.removesuffix("__exact"))
        except FieldDoesNotExist:
            return False
        return field.concrete and all(column_accepts(field, value) for value in values)


def column_accepts(field, value):
    """True when the model field takes the value (the address's text): its type, its
    range, and for a date one that exists in UTC (year 1 seen from east of UTC, or 9999
    from west of it, overflowed the query)."""
    try:
        value = field.to_python(value)
        field.run_validators(value)
    except ValidationError:
        return False
    return not isinstance(value, date) or FIRST_YEAR <= value.year <= LAST_YEAR


class CheckedDateFilter(admin.DateFieldListFilter):
    """Django's date filter (any date, today, the past 7 days …), refusing from the
    address a date its column does not take."""

    def queryset(self, request, queryset):
        for parameter, values in self.used_parameters.items():
            if parameter.endswith("__isnull"):
                continue
            if not all(column_accepts(self.field, value) for value in values):
                raise IncorrectLookupParameters(f"{parameter} is not a date this list takes")
        return super().queryset(request, queryset)


class CheckedListMixin:
    """Addresses checked (CheckedChangeList), and the whole list shown with the reason
    when one is refused. No date links unless the list checks their years itself (the
    article list does): Django builds their query from any year in the address
    (``?attempt_time__year=9999`` was a 500), and a date filter beside the list serves."""

    date_hierarchy = None

    def get_changelist(self, request, **kwargs):
        return CheckedChangeList

    def changelist_view(self, request, extra_context=None):
        refused = self.refused_again(request)
        if refused:
            return refused
        if ERROR_FLAG in request.GET:
            messages.warning(
                request,
                "The address asked for a filter or page this list does not have, or a value "
                "its column cannot hold, so the list shows everything instead.",
            )
        return super().changelist_view(request, extra_context)

    def refused_again(self, request):
        """Refused again with Django's flag still on: Django's answer would be a page
        blaming the database installation; the plain refused list instead."""
        if (ERROR_FLAG in request.GET and set(request.GET) != {ERROR_FLAG}
                and not self.lists(request)):
            return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
        return None

    def lists(self, request):
        """True when the address gives a list (its filters and page can be used)."""
        try:
            self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return False
        return True
