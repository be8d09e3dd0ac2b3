"""Who is reading: an anonymous reader, or a staff member with a token or a session.

Readers see what the site shows (``Article.objects.published()``); a staff member sees
what they may see in the admin (``editorial.workflow.visible_articles``: an editor every
article, a reporter their own too). Any request carrying credentials is private: the
page cache neither serves nor stores it (``caching.pages.carries_credentials``).
"""

from django.conf import settings
from ninja.errors import HttpError

from articles.models import ApiToken

BEARER = "bearer"


class Unauthorized(HttpError):
    """Credentials were sent that open nothing: a 401 naming the reason."""

    def __init__(self, message):
        super().__init__(401, message)


def staff_reader(request):
    """The staff member the request's token or session names; None for a reader.

    A token that is unknown, revoked, malformed or whose owner left is a 401, never a
    silent fall back to the public view: the client would think it saw everything.
    """
    header = request.META.get("HTTP_AUTHORIZATION")
    if header is not None:
        scheme, _, key = header.strip().partition(" ")
        key = key.strip()
        if scheme.lower() != BEARER or not key or not key.isascii() or len(key) > 200:
            raise Unauthorized("Send the token as “Authorization: Bearer <token>”.")
        token = ApiToken.objects.holder_of(key)
        if token is None:
            raise Unauthorized("Unknown or revoked token.")
        return token.user
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        user = request.user
        if user.is_authenticated and user.is_active and user.is_staff:
            return user
    return None
