"""Content-Security-Policy: the public policy, the admin's, and the browsers' reports.

django-csp's middleware sends ``CONTENT_SECURITY_POLICY`` on every response. This
subclass sends ``NEWSROOM_ADMIN_CONTENT_SECURITY_POLICY`` instead under the admin's URL
prefix (extending ``get_policy_parts`` is django-csp's own way to vary the policy), so the
admin may use nonces while public pages, which are cached and shared, never do. A view's
``@csp``/``@csp_replace`` decorator still takes precedence.

Browsers POST what a policy blocked to ``report`` (the policies' ``report-uri``). Anyone
can POST there, so a report is untrusted text: it is bounded in size, its fields are
shortened and stripped of control characters, and a process logs at most
``REPORTS_LOGGED_PER_MINUTE`` of them a minute, then says how many it held back.
"""

import json
import logging
import time
from dataclasses import dataclass
from functools import cache, cached_property

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, PolicyParts
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from csp.utils import build_policy, default_config
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse
from django.urls import NoReverseMatch, reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

logger = logging.getLogger(__name__)

MAX_REPORT_BYTES = 16 * 1024
MAX_REPORTS_PER_BATCH = 10
REPORTS_LOGGED_PER_MINUTE = 30
FIELD_CHARS = 300


@cache
def settings_headers():
    """The headers of the policies in settings, as django-csp builds them, or None where
    a policy excludes URL prefixes (then django-csp decides, request by request)."""
    headers = {}
    for header, name, report_only in ((HEADER, "CONTENT_SECURITY_POLICY", False),
                                      (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY",
                                       True)):
        if (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES"):
            return None
        value = build_policy(report_only=report_only)
        if value:
            headers[header] = value
    return headers


@receiver(setting_changed)
def forget_settings_headers(*, setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        settings_headers.cache_clear()


class CSPMiddleware(DjangoCSPMiddleware):
    """django-csp's middleware, with the admin's own policy under the admin's prefix.

    A response under the policies in settings (every public page: no nonce, no view's
    own policy) gets their headers built once per process. django-csp builds both on
    every response, copying the lazy ``report-uri`` each time: a third of a cached
    page's CPU in process (docs/PERFORMANCE.md, "The policy header built once").
    """

    @cached_property
    def admin_prefix(self):
        try:
            return reverse("admin:index")
        except NoReverseMatch:
            return "/admin/"

    def process_response(self, request, response):
        headers = settings_headers()
        if (headers is None or settings.DEBUG
                or self.get_policy_parts(request, response) != PolicyParts()
                or self.get_policy_parts(request, response, report_only=True) != PolicyParts()
                or hasattr(response, "_csp_exempt") or hasattr(response, "_csp_exempt_ro")):
            return super().process_response(request, response)
        for header, value in headers.items():
            if header not in response:
                response[header] = value
        # As django-csp: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None and request.path.startswith(self.admin_prefix):
            directives = settings.NEWSROOM_ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"]
            parts.config = default_config(directives)
        return parts


@dataclass(frozen=True)
class Violation:
    directive: str
    blocked: str
    page: str
    source: str
    line: str


# The same five fields as report-uri (application/csp-report) and the Reporting API
# (application/reports+json, type "csp-violation") name them.
REPORT_URI_FIELDS = ("effective-directive", "blocked-uri", "document-uri", "source-file",
                     "line-number")
REPORTING_API_FIELDS = ("effectiveDirective", "blockedURL", "documentURL", "sourceFile",
                        "lineNumber")


def clean(value):
    """A report field as short, printable text; anything but a string or number is empty."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return ""
    text = str(value)[:FIELD_CHARS]
    return "".join(char if char.isprintable() else "?" for char in text)


def read_violations(payload):
    """The violations a decoded report holds, in either format; none for anything else."""
    if isinstance(payload, dict):
        bodies = [(payload.get("csp-report"), REPORT_URI_FIELDS)]
    elif isinstance(payload, list):
        bodies = [
            (item.get("body"), REPORTING_API_FIELDS)
            for item in payload[:MAX_REPORTS_PER_BATCH]
            if isinstance(item, dict) and item.get("type") == "csp-violation"
        ]
    else:
        bodies = []
    violations = []
    for body, fields in bodies:
        if isinstance(body, dict):
            violation = Violation(*(clean(body.get(field)) for field in fields))
            if violation.directive:
                violations.append(violation)
    return violations


class LogBudget:
    """At most ``per_minute`` log lines a minute; counts the ones it holds back."""

    def __init__(self, per_minute, clock=time.monotonic):
        self.per_minute = per_minute
        self.clock = clock
        self.window_started = float("-inf")
        self.used = 0
        self.held_back = 0

    def take(self):
        """True if a line may be logged now; False (and counted) if over budget."""
        now = self.clock()
        if now - self.window_started >= 60:
            self.window_started, self.used = now, 0
        if self.used >= self.per_minute:
            self.held_back += 1
            return False
        self.used += 1
        return True

    def take_held_back(self):
        """How many lines were held back since the last call."""
        held_back, self.held_back = self.held_back, 0
        return held_back


budget = LogBudget(REPORTS_LOGGED_PER_MINUTE)


def log_violation(violation):
    if not budget.take():
        return
    held_back = budget.take_held_back()
    logger.warning(
        "Content-Security-Policy violation: %s blocked %r on %s (source %s, line %s)%s",
        violation.directive, violation.blocked, violation.page or "?",
        violation.source or "?", violation.line or "?",
        f"; {held_back} earlier report(s) not logged" if held_back else "",
    )


@csrf_exempt
@require_POST
def report(request):
    """Log the violations a browser reports; junk gets a 4xx and changes nothing."""
    body = request.read(MAX_REPORT_BYTES + 1)
    if len(body) > MAX_REPORT_BYTES:
        return HttpResponse("Report too large.", status=413, content_type="text/plain")
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        payload = None
    violations = read_violations(payload)
    if not violations:
        return HttpResponse("Not a CSP violation report.", status=400,
                            content_type="text/plain")
    for violation in violations:
        log_violation(violation)
    return HttpResponse(status=204)
