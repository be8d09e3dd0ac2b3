"""Sign-in records in the admin: lockouts an editor can clear, and the login logs.

django-otp's own device lists are taken off the admin: devices are set up on the
account pages and reset as a whole from the staff page, so no list shows their settings
or lets an authenticator be removed without its backup codes.

Each list takes from its address only what its query can use (CheckedChangeList).
"""

import logging

import django_otp.plugins.otp_static.admin  # noqa: F401  (registers, to be removed below)
import django_otp.plugins.otp_totp.admin  # noqa: F401
from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import admin
from django.db.models import OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.accounts import logins
from articles.platform.admin_lists import CheckedDateFilter, CheckedListMixin

security_log = logging.getLogger("newsroom.security")

admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)


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
