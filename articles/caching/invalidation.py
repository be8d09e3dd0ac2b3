"""The one entry point through which writes make cached public pages stale.

``invalidate(keys, purge=paths)`` names what a write changed: dependency keys
(``articles.caching.dependencies``: an article, a tag's listing, ...) and, for a page
taken down (a withdrawal), its address to purge. Each key gets a new version
(``articles.caching.state.bump``), so exactly the pages and values that show it go
stale; ``purge`` also records the takedown, so no last good copy from before it is served again
(a listing may show the story too), and asks each configured proxy to fetch the page
afresh (``articles.caching.edges``). What each write changes is decided by the signal
receivers in ``articles.caching.receivers``: a write readers cannot see invalidates
nothing.

Inside a transaction the work waits for the commit (and is tried at once through the
guarded cache, so this process does not serve a page rendered before the write); a
rolled-back write invalidates nothing more.

When Redis does not take the invalidation (down, stalled, refusing writes), it is retried;
if it still fails, it is kept in the database (``PendingInvalidation``) and by a
background thread that retries until Redis takes it. Meanwhile no process serves cached
pages: each looks for kept invalidations at most once a second (``has_unapplied``) and
renders from the database while there are any. The person who made the write is told
(``collect_failures``). ``/readyz`` also applies what is kept.
"""

import contextlib
import contextvars
import logging
import threading
import time

from django.contrib import messages
from django.db import DatabaseError, connections, transaction

from articles.caching import edges, state
from articles.models import PendingInvalidation

log = logging.getLogger("newsroom.cache")

# Pauses before each new attempt at a failed invalidation, in seconds.
RETRY_PAUSES = (0.05, 0.2)
RETRY_EVERY = 0.1
RETRY_FOR = 3600
# How often a process looks in the database for invalidations another one kept.
PENDING_CHECK_SECONDS = 1.0
FAILURE_MESSAGE = (
    "Saved. The public site's cache did not answer, so readers' copies of the pages "
    "this change affects could not be replaced at once; they are served fresh from the "
    "database meanwhile, and the change reaches the cache as soon as it answers again."
)


def invalidate(keys, *, purge=()):
    """Make cached copies of what depends on ``keys`` stale; delete those of ``purge``.

    ``keys`` name what changed ("article:12", "country:5"); ``purge`` lists public
    addresses taken down, whose copies must not survive anywhere.
    """
    keys, paths = set(keys), set(purge)
    if not keys and not paths:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _apply_or_keep(keys, paths)
        return
    # Now, for this process (and tests, whose transaction never commits): through the
    # guard, so a stalled Redis costs one timeout, not one per write of a bulk action.
    state.bump(keys, guarded=True)
    if paths:
        state.mark_takedown(guarded=True)
    # Once committed, for everyone: a page another server rendered meanwhile from the
    # data before the commit must not outlive it. One application per transaction: a
    # pending one (Django keeps the transaction's callbacks in run_on_commit) takes ours.
    for _savepoints, callback, _robust in connection.run_on_commit:
        if isinstance(callback, _AfterCommit):
            callback.keys |= keys
            callback.paths |= paths
            return
    transaction.on_commit(_AfterCommit(keys, paths))


class _AfterCommit:
    """The invalidations of one transaction, applied together when it commits."""

    def __init__(self, keys, paths):
        self.keys, self.paths = keys, paths

    def __call__(self):
        _apply_or_keep(self.keys, self.paths)


def _apply(keys, paths, *, guarded=False):
    """One attempt at the shared cache; True if Redis took it all."""
    return (state.bump(keys, guarded=guarded)
            and (not paths or state.mark_takedown(guarded=guarded)))


def _apply_or_keep(keys, paths):
    apply_pending()
    for pause in (0, *RETRY_PAUSES):
        time.sleep(pause)
        if _apply(keys, paths):
            break
    else:
        _keep(keys, paths)
    # Caches in front apart: one that does not answer is retried by itself and never
    # makes the app's own entries stale again (articles.caching.edges).
    edges.refresh(paths)
    edges.purge(keys)


# -- what could not be applied ------------------------------------------------------

_unapplied = []  # [(keys, paths, id of its PendingInvalidation row or None)]
_unapplied_lock = threading.Lock()
_retrier = None
_wake = threading.Event()
_failures = contextvars.ContextVar("newsroom_invalidation_failures", default=None)
_pending_seen = {"at": -PENDING_CHECK_SECONDS, "any": False}


def has_unapplied():
    """True while an invalidation kept by this process or any other has not reached the
    shared cache: pages and values cached before it may be stale."""
    if _unapplied:
        return True
    now = time.monotonic()
    if now - _pending_seen["at"] >= PENDING_CHECK_SECONDS:
        _pending_seen["at"] = now
        # From a reader's request: through the guard, so a stalled Redis costs it once.
        _pending_seen["any"] = bool(apply_pending(guarded=True))
    return _pending_seen["any"]


def _keep(keys, paths):
    global _retrier
    log.warning("Could not invalidate cached pages (%s%s): kept to retry.",
                ", ".join(sorted(keys))[:200], f"; purge {sorted(paths)}" if paths else "")
    row_id = None
    try:
        row_id = PendingInvalidation.objects.using("default").create(
            keys=sorted(keys), paths=sorted(paths)
        ).pk
    except DatabaseError:
        log.exception("Could not record the pending invalidation in the database either.")
    with _unapplied_lock:
        _unapplied.append((keys, paths, row_id))
        if _retrier is None or not _retrier.is_alive():
            _retrier = threading.Thread(target=_retry, name="newsroom-invalidation",
                                        daemon=True)
            _retrier.start()
    _wake.set()
    failures = _failures.get()
    if failures is not None:
        failures.append(FAILURE_MESSAGE)


def _retry():
    """Apply what this process kept, as soon as Redis takes it; then stop."""
    global _retrier
    deadline = time.monotonic() + RETRY_FOR
    try:
        while True:
            _wake.wait(RETRY_EVERY)
            _wake.clear()
            with _unapplied_lock:
                items = list(_unapplied)
                if not items or time.monotonic() > deadline:
                    if items:
                        log.error("Gave up retrying %d invalidation(s) after %d s; the "
                                  "database keeps them for /readyz and other processes.",
                                  len(items), RETRY_FOR)
                        _unapplied.clear()
                    _retrier = None  # decided under the lock: a new one starts if needed
                    return
            keys = set().union(*(item[0] for item in items))
            paths = set().union(*(item[1] for item in items))
            if _apply(keys, paths):
                with _unapplied_lock:
                    del _unapplied[:len(items)]
                _forget_rows([item[2] for item in items if item[2] is not None])
                log.warning("Applied %d invalidation(s) kept while the cache was down.",
                            len(items))
    finally:
        connections.close_all()


def _forget_rows(row_ids):
    try:
        PendingInvalidation.objects.using("default").filter(pk__in=row_ids).delete()
    except DatabaseError:
        log.exception("Could not delete applied pending invalidations.")


def apply_pending(*, guarded=False):
    """Apply the invalidations any process kept in the database; how many are left
    (None when the database does not answer)."""
    try:
        rows = list(PendingInvalidation.objects.using("default").order_by("pk")[:100])
    except DatabaseError:
        return None
    if not rows:
        return 0
    keys = set().union(*(row.keys for row in rows))
    paths = set().union(*(row.paths for row in rows))
    if not _apply(keys, paths, guarded=guarded):
        return len(rows)
    _forget_rows([row.pk for row in rows])
    try:
        return PendingInvalidation.objects.using("default").count()
    except DatabaseError:
        return None


@contextlib.contextmanager
def collect_failures():
    """Collect, for the code inside, messages about invalidations that could not be made."""
    token = _failures.set([])
    try:
        yield _failures.get()
    finally:
        _failures.reset(token)


class InvalidationReportMiddleware:
    """Tells the editor, in the admin's messages, when a save could not refresh the
    public site's cache at once (see ``collect_failures``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return self.get_response(request)
        with collect_failures() as failures:
            response = self.get_response(request)
        for message in dict.fromkeys(failures):
            messages.warning(request, message, fail_silently=True)
        return response
