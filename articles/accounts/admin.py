"""Sign-in records in the admin: lockouts an editor can clear, and the login logs.

django-otp's own device lists are taken off the admin: devices are set up on the
account pages and reset as a whole from the staff page, so no list shows their settings
or lets an authenticator be removed without its backup codes.

Each list takes from its address only what its query can use (CheckedChangeList).
"""

import logging
from datetime import date

import django_otp.plugins.otp_static.admin  # noqa: F401  (registers, to be removed below)
import django_otp.plugins.otp_totp.admin  # noqa: F401
from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG, ChangeList
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import OuterRef, Q, Subquery, Sum
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.formats import date_format
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.accounts import logins
from articles.platform.dates import FIRST_YEAR, LAST_YEAR

security_log = logging.getLogger("newsroom.security")

admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)


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
    """For the sign-in lists: addresses checked (CheckedChangeList), and the whole list
    shown with the reason when one is refused. No date links: Django builds their query
    from any year in the address (``?attempt_time__year=9999`` was a 500), and the date
    filter beside the list serves."""

    date_hierarchy = None

    def get_changelist(self, request, **kwargs):
        return CheckedChangeList

    def changelist_view(self, request, extra_context=None):
        if ERROR_FLAG in request.GET:
            if set(request.GET) != {ERROR_FLAG} and not self.lists(request):
                # Refused again with Django's flag still on: Django's answer would be a
                # page blaming the database installation.
                return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
            messages.warning(
                request,
                "The address asked for a filter or page this list does not have, or a value "
                "its column cannot hold, so the list shows everything instead.",
            )
        return super().changelist_view(request, extra_context)

    def lists(self, request):
        """True when the address gives a list (its filters and page can be used)."""
        try:
            self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return False
        return True


def failures_by(*fields):
    """The failures still counted with the row's values of these fields, as a subquery:
    its account's from its address, or its address's."""
    return Subquery(
        logins.recent_attempts().filter(**{field: OuterRef(field) for field in fields})
        .values(*fields).annotate(total=Sum("failures_since_start")).values("total")
    )


class LockedNowFilter(admin.SimpleListFilter):
    title = "locked now"
    parameter_name = "locked"

    def lookups(self, request, model_admin):
        return [("yes", "Locked out now")]

    def queryset(self, request, queryset):
        if self.value() != "yes":
            return queryset
        return queryset.filter(
            Q(account_failures__gte=settings.AXES_FAILURE_LIMIT)
            | Q(address_failures__gte=settings.NEWSROOM_LOGIN_ADDRESS_FAILURE_LIMIT),
            attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME,
        )


@admin.register(AccessAttempt)
class LockoutAdmin(CheckedListMixin, AccessAttemptAdmin):
    """Failed sign-ins still counted; deleting an account's rows unlocks it at once."""

    list_display = ["username", "ip_address", "failures_since_start", "attempt_time",
                    "lock_state"]
    list_display_links = ["username"]
    list_filter = [LockedNowFilter, ("attempt_time", CheckedDateFilter)]
    search_fields = ["username", "ip_address"]
    actions = []

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            account_failures=failures_by("username", "ip_address"),
            address_failures=failures_by("ip_address"),
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            function, name, _ = actions["delete_selected"]
            actions[name] = (function, name, "Unlock: delete the selected attempts")
        return actions

    @admin.display(description="State")
    def lock_state(self, attempt):
        ends_at = attempt.attempt_time + settings.AXES_COOLOFF_TIME
        if ends_at <= timezone.now():
            return "No longer counted"
        failures = logins.Failures(account=attempt.account_failures or 0,
                                   address=attempt.address_failures or 0)
        until = date_format(timezone.localtime(ends_at), "H:i")
        if failures.address_locked:
            return f"Address locked until {until}"
        if failures.account_locked:
            return f"Account locked from this address until {until}"
        return f"Counted until {until}"

    change_list_template = "admin/accounts/lockout_list.html"

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {
            "title": "Failed sign-ins and lockouts",
            **logins.policy(),
            **(extra_context or {}),
        })

    def delete_model(self, request, obj):
        self.log_unlock(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self.log_unlock(request, queryset)
        super().delete_queryset(request, queryset)

    @staticmethod
    def log_unlock(request, attempts):
        for attempt in attempts:
            security_log.warning("login attempts cleared user=%r address=%s by=%r",
                                 attempt.username, attempt.ip_address,
                                 request.user.get_username())


@admin.register(AccessLog)
class SignInLogAdmin(CheckedListMixin, AccessLogAdmin):
    """Every successful sign-in, with its logout time."""

    list_filter = [("attempt_time", CheckedDateFilter), ("logout_time", CheckedDateFilter),
                   "path_info"]


@admin.register(AccessFailureLog)
class FailedSignInLogAdmin(CheckedListMixin, AccessFailureLogAdmin):
    """Every failed sign-in, and whether it was refused by a lockout."""

    list_filter = [("attempt_time", CheckedDateFilter), "locked_out", "path_info"]
