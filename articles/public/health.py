"""Health checks for load balancers: ``/healthz`` (the process answers) and ``/readyz``
(it can serve: the database and the shared cache answer; it also says whether the
background worker runs, which readers do not need). Never cached."""

import time
import uuid

from django.core.cache import cache
from django.db import DatabaseError, connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from articles.caching import invalidation
from articles.platform import worker


@never_cache
def healthz(request):
    """Liveness: the process is up and answering; it checks nothing else."""
    return JsonResponse({"status": "ok"})


def database_ok(alias):
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def cache_ok():
    """A value written to the shared cache can be read back (its errors are hidden)."""
    probe = uuid.uuid4().hex
    cache.set("readyz:probe", probe, timeout=10)
    return cache.get("readyz:probe") == probe


@never_cache
def readyz(request):
    """Readiness: 200 when every database and the shared cache answer, else 503.

    Also applies invalidations kept while the cache was down (articles.caching.invalidation), so
    a load balancer's polling finishes them even if the process that kept them is gone.
    """
    started = time.monotonic()
    checks = {f"database:{alias}": database_ok(alias) for alias in connections}
    checks["cache"] = cache_ok()
    pending = invalidation.apply_pending() if all(checks.values()) else None
    body = {
        "status": "ok" if all(checks.values()) else "unavailable",
        "checks": {name: "ok" if ok else "failing" for name, ok in checks.items()},
        "pending_invalidations": pending,
        "worker": worker.status(),
        "seconds": round(time.monotonic() - started, 3),
    }
    return JsonResponse(body, status=200 if all(checks.values()) else 503)
