"""Login lockouts (django-axes), the client's address, and the security log.

An account is locked from an address after settings.AXES_FAILURE_LIMIT failed logins
for it from there within the cool-off (settings.AXES_COOLOFF_TIME): someone guessing
elsewhere cannot keep its owner out. An address is locked for every account after
NEWSROOM_LOGIN_ADDRESS_FAILURE_LIMIT, a higher number, because a whole office may sign in
from one address. Every login, failed or not, is one line on the ``newsroom.security``
logger and a row in axes' logs.
"""

import ipaddress
import logging
import time
from collections import Counter
from dataclasses import dataclass

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import Max, Q, Sum
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from articles.accounts import sessions

security_log = logging.getLogger("newsroom.security")


def client_ip(request):
    """The client's address: the connection's, or the one the trusted proxies saw.

    Each trusted proxy (settings.NEWSROOM_TRUSTED_PROXY_COUNT) appends the address it
    received the request from to X-Forwarded-For, so the client is that many entries
    from the right; anything further left was written by the client and is ignored.
    """
    remote = valid_address(request.META.get("REMOTE_ADDR", ""))
    count = settings.NEWSROOM_TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",")]
    return valid_address(hops[-min(count, len(hops))]) or remote


# Axes stores the username a login names in a column this long; a hand-made POST may
# name a longer one (the form checks no length), which PostgreSQL would refuse: a 500.
USERNAME_COLUMN_LENGTH = AccessAttempt._meta.get_field("username").max_length


def attempted_username(request, credentials=None):
    """The username a login attempt names, as it is counted, recorded and logged: cut to
    the column that records it. No account has a name that long (the user model's is
    shorter), so the attempt still fails with the form's usual error, and still counts
    towards its address's limit."""
    source = credentials or (request.POST if request is not None else {})
    username = source.get("username")
    return None if username is None else username[:USERNAME_COLUMN_LENGTH]


def valid_address(text):
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


@dataclass(frozen=True)
class Failures:
    """Failed logins within the cool-off from one address: for one account, and for all."""

    account: int
    address: int

    @property
    def account_locked(self):
        return self.account >= settings.AXES_FAILURE_LIMIT

    @property
    def address_locked(self):
        return self.address >= settings.NEWSROOM_LOGIN_ADDRESS_FAILURE_LIMIT

    @property
    def locked(self):
        return self.account_locked or self.address_locked


def policy():
    """The lockout rules in numbers, for the pages that explain them."""
    return {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "address_limit": settings.NEWSROOM_LOGIN_ADDRESS_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }


def recent_attempts(since=None):
    """Attempt rows still counted: newer than the cool-off."""
    since = since or timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(attempt_time__gte=since)


def count_failures(username, address, since=None):
    """The failures from one address that still count: for this account, and for all."""
    totals = recent_attempts(since).filter(ip_address=address).aggregate(
        account=Sum("failures_since_start", filter=Q(username=username)),
        address=Sum("failures_since_start"),
    )
    return Failures(account=totals["account"] or 0, address=totals["address"] or 0)


def lockout_ends_at(username, address):
    """When a login for this account from this address is allowed again (None: it is)."""
    failures = count_failures(username, address)
    if not failures.locked:
        return None
    counted = recent_attempts().filter(ip_address=address)
    if not failures.address_locked:
        counted = counted.filter(username=username)
    last = counted.aggregate(last=Max("attempt_time"))["last"]
    return (last or timezone.now()) + settings.AXES_COOLOFF_TIME


def locked_accounts():
    """Each username locked out now, with the number of addresses it is locked from."""
    pairs = (recent_attempts().values("username", "ip_address")
             .annotate(total=Sum("failures_since_start"))
             .filter(total__gte=settings.AXES_FAILURE_LIMIT))
    return Counter(pair["username"] for pair in pairs)


class LoginAttemptHandler(AxesDatabaseHandler):
    """Axes' database handler, counting an account's failures from the address it is
    tried from, with the address held to its own, higher limit, and the request's
    headers recorded without NUL (PostgreSQL refuses it in text: a 500)."""

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        drop_nul_from_recorded_headers(request)
        return super().user_login_failed(sender, credentials, request, **kwargs)

    def user_logged_in(self, sender, request, user, **kwargs):
        drop_nul_from_recorded_headers(request)
        return super().user_logged_in(sender, request, user, **kwargs)

    def user_logged_out(self, sender, request, user, **kwargs):
        drop_nul_from_recorded_headers(request)
        return super().user_logged_out(sender, request, user, **kwargs)

    def get_failures(self, request, credentials=None):
        failures = count_failures(
            get_client_username(request, credentials),
            request.axes_ip_address,
            since=get_cool_off_threshold(request),
        )
        # Axes compares one number with AXES_FAILURE_LIMIT: an address over its own
        # limit counts as an account at the limit.
        if failures.address_locked:
            return max(failures.account, settings.AXES_FAILURE_LIMIT)
        return failures.account


def drop_nul_from_recorded_headers(request):
    # Axes copied these from the request before calling its handler; they are its own.
    for name in ("axes_user_agent", "axes_http_accept", "axes_path_info"):
        value = getattr(request, name, None)
        if isinstance(value, str) and "\x00" in value:
            setattr(request, name, value.replace("\x00", ""))


def lockout_response(request, original_response=None, credentials=None):
    """The lockout page, in the admin's look, answered with 429 Too Many Requests."""
    username = get_client_username(request, credentials) or ""
    address = client_ip(request)
    failures = count_failures(username, address)
    ends_at = lockout_ends_at(username, address) or timezone.now()
    seconds = max(0, int((ends_at - timezone.now()).total_seconds()))
    context = {
        **admin.site.each_context(request),
        "title": "Sign-in paused",
        "username": username,
        "account_locked": failures.account_locked,
        "address_locked": failures.address_locked,
        "ends_at": timezone.localtime(ends_at),
        "minutes": max(1, -(-seconds // 60)),
    }
    response = TemplateResponse(request, "admin/accounts/locked_out.html", context, status=429)
    response["Retry-After"] = str(seconds)
    add_never_cache_headers(response)
    return response.render()


# Usernames are logged with %r: quoted, with any control character escaped, so a name
# typed into the login form cannot forge a line of the log.


def log_login(sender, request, user, **kwargs):
    security_log.info("login succeeded user=%r address=%s", user.get_username(),
                      client_ip(request))
    sessions.start_idle_clock(request.session, now=time.time())


def log_login_failure(sender, credentials, request=None, **kwargs):
    # Axes' receiver ran first and flagged a request it refused or has just locked out.
    outcome = "locked out" if getattr(request, "axes_locked_out", False) else "failed"
    security_log.warning("login %s user=%r address=%s", outcome,
                         attempted_username(request, credentials),
                         client_ip(request) if request is not None else None)


def log_logout(sender, request, user, **kwargs):
    if user is not None:
        security_log.info("logout user=%r address=%s", user.get_username(), client_ip(request))


def connect_signals():
    """After axes' own receivers (its app comes first), so its verdict is known here."""
    user_logged_in.connect(log_login, dispatch_uid="newsroom-security-login")
    user_login_failed.connect(log_login_failure, dispatch_uid="newsroom-security-failure")
    user_logged_out.connect(log_logout, dispatch_uid="newsroom-security-logout")
