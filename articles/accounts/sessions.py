"""Staff sessions: the session store, the idle timeout, and ending a user's sessions.

Sessions live in the database and are read through the cache (the cached_db engine), so
one is ended through the session store, which forgets both copies. Only staff sign in on
this site, so a user's sessions are few enough to be found by reading each one.
"""

import re
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.models import Session
from django.utils import timezone
from django.utils.timesince import timesince

# The keys Django's session stores make: 32 of VALID_KEY_CHARS (lower-case letters, digits).
SESSION_KEY_SHAPE = re.compile(r"[a-z0-9]{32}")

LAST_SEEN = "newsroom_last_seen"
# The idle clock moves on at most this often, so a session is not written on every page.
TOUCH_EVERY_SECONDS = 60


class SessionStore(cached_db.SessionStore):
    """Django's cached_db store (settings.SESSION_ENGINE names this module), knowing only
    the keys Django makes.

    A cookie holding anything else is no session, as if there were no cookie: it is
    looked up nowhere. (A NUL in it, which the cookie parser makes of ``\\000``, would
    reach the query, and PostgreSQL refuses NUL in text: every page answered 500.)
    """

    def _validate_session_key(self, key):
        return isinstance(key, str) and SESSION_KEY_SHAPE.fullmatch(key) is not None


def idle_limit_text():
    """The idle timeout in words ("8 hours") for the pages that mention it."""
    now = timezone.now()
    return timesince(now - timedelta(seconds=settings.NEWSROOM_STAFF_IDLE_SECONDS), now)


def start_idle_clock(session, *, now):
    session[LAST_SEEN] = int(now)


def idle_for_too_long(session, *, now):
    """True when the session has not been used for NEWSROOM_STAFF_IDLE_SECONDS."""
    last_seen = session.get(LAST_SEEN)
    return last_seen is not None and now - last_seen > settings.NEWSROOM_STAFF_IDLE_SECONDS


def note_activity(session, *, now):
    last_seen = session.get(LAST_SEEN)
    if last_seen is None or now - last_seen >= TOUCH_EVERY_SECONDS:
        session[LAST_SEEN] = int(now)


def session_keys_of(user):
    """The keys of the user's unexpired sessions."""
    wanted = str(user.pk)
    rows = Session.objects.filter(expire_date__gt=timezone.now())
    return [
        row.session_key
        for row in rows.iterator()
        if row.get_decoded().get(SESSION_KEY) == wanted
    ]


def end_sessions(*, user, keep=None):
    """End every session of the user except ``keep`` (a session key); return how many."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    ended = 0
    for key in session_keys_of(user):
        if key != keep:
            store.delete(key)
            ended += 1
    return ended
