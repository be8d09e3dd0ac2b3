"""Staff pages (the admin and article previews): idle timeout and the two-factor step."""

import logging
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from articles.accounts import sessions, two_factor

security_log = logging.getLogger("newsroom.security")

# Public URLs that show staff-only content, besides everything in the admin.
STAFF_VIEWS = frozenset({"articles:article-preview"})
# Requests a page's script makes by itself (an open form saying it is open): no sign of a
# person at the keyboard, so they do not keep an idle session alive.
UNATTENDED_VIEWS = frozenset({"admin:articles_article_presence"})


def is_staff_view(match):
    return match is not None and (match.app_name == "admin" or match.view_name in STAFF_VIEWS)


class StaffSessionMiddleware:
    """Before a staff page: end an idle session, or send the user to the second step.

    A request without a session cookie, or for a public page, is passed on untouched:
    no session is read, so public pages stay cacheable and cost nothing more.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if settings.SESSION_COOKIE_NAME not in request.COOKIES or not is_staff_view(match):
            return None
        if not request.user.is_authenticated:
            return None
        now = time.time()
        if sessions.idle_for_too_long(request.session, now=now):
            return self.sign_out_idle(request)
        if match.view_name not in UNATTENDED_VIEWS:
            sessions.note_activity(request.session, now=now)
        if match.view_name in two_factor.OPEN_BEFORE_VERIFICATION:
            return None
        step = two_factor.pending_step(request.user)
        if step is None:
            return None
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")

    @staticmethod
    def sign_out_idle(request):
        username = request.user.get_username()
        logout(request)
        security_log.info("session ended after idle user=%r", username)
        messages.warning(request, f"You were signed out after {sessions.idle_limit_text()} "
                                  "without activity. "
                                  "Sign in again to carry on.")
        login = reverse("admin:login")
        return redirect(f"{login}?{urlencode({'next': request.get_full_path()})}")
