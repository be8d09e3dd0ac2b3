"""Read replica routing: public reads from the replica, everything else on the primary.

Active when ``DATABASE_REPLICA_URL`` is set (settings add ``DATABASES["replica"]`` and
this router). The primary (``default``) serves:

- every write, and every read after a write in the same request or command (so a
  writer reads what it wrote, never a replica that has not caught up yet);
- reads inside a transaction on the primary;
- the auth, session, admin log, content type and revision tables;
- the whole of a request pinned by ``PrimaryPinMiddleware``: the admin, any unsafe
  method (POST, ...), and any request carrying a session (a logged-in editor sees what
  the desk just saved).

Anonymous public pages read from the replica.
"""

import contextvars
from contextlib import contextmanager

from django.conf import settings
from django.db import connections

PRIMARY = "default"
REPLICA = "replica"
PRIMARY_APPS = frozenset({"admin", "auth", "contenttypes", "reversion", "sessions"})

_pinned = contextvars.ContextVar("newsroom_primary_pinned", default=False)


@contextmanager
def use_primary():
    """Send every read inside the block to the primary."""
    token = _pinned.set(True)
    try:
        yield
    finally:
        _pinned.reset(token)


def is_pinned():
    return _pinned.get()


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if (
            _pinned.get()
            or model._meta.app_label in PRIMARY_APPS
            or connections[PRIMARY].in_atomic_block
        ):
            return PRIMARY
        return REPLICA

    def db_for_write(self, model, **hints):
        # Read your own writes: the rest of this request (or command) reads the primary.
        _pinned.set(True)
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


class PrimaryPinMiddleware:
    """Pin the admin, unsafe methods and requests with a session to the primary."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/admin/"

    def __call__(self, request):
        pin = (
            request.method not in ("GET", "HEAD", "OPTIONS")
            or request.path.startswith(self.admin_prefix)
            or settings.SESSION_COOKIE_NAME in request.COOKIES
        )
        token = _pinned.set(pin)
        try:
            return self.get_response(request)
        finally:
            _pinned.reset(token)
