"""The page cache's shared state and the values remembered under it.

One content *generation* in the shared cache (Redis in production) covers the whole
public site: cached pages (``articles.caching.pages``) and remembered values
(``remember``, ``remember_many``: counts, anchors, cards, fragments) are valid only while
it is current. ``articles.caching.invalidation`` renews it when a write changes what
readers see. Because a scheduled article goes public when its time comes, with nothing
saved then, the state also holds the next scheduled publication time; once the clock
passes it the generation is renewed.

The cache backend swallows its own errors (django-redis ``IGNORE_EXCEPTIONS``), so a
Redis outage means uncached pages, never an error; ``GuardedCache`` stops asking a Redis
that is slow to answer for a few seconds.
"""

import contextvars
import hashlib
import logging
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError

# Reports of a Redis that fails or is slow: one line a minute per process (settings).
log = logging.getLogger("newsroom.cache.redis")

STATE_KEY = "pagecache:state"
# When a page was last taken down (a withdrawal): last good copies older are never used.
TAKEDOWN_KEY = "pagecache:takedown"
# The next scheduled publication time has not been looked up since the last bump.
UNKNOWN = "unknown"


def page_cache_enabled():
    return settings.NEWSROOM_PAGE_CACHE


class OncePerMinute(logging.Filter):
    """Lets each kind of cache warning through once a minute per process, as one line.

    A Redis outage makes every request report the same failure (django-redis logs a
    traceback per call): the first says what is wrong, the rest add nothing.
    """

    def __init__(self, seconds=60):
        super().__init__()
        self.seconds = seconds
        self.last = {}

    def filter(self, record):
        now = time.monotonic()
        kind = (record.name, record.msg)
        if now - self.last.get(kind, -self.seconds) < self.seconds:
            return False
        self.last[kind] = now
        if record.exc_info and record.name.endswith(".redis"):
            error = record.exc_info[1]
            cause = error.__cause__ or error
            record.msg = "Redis is not answering (%s); pages are served uncached meanwhile."
            record.args = (f"{type(cause).__name__}: {cause}",)
            record.exc_info = record.exc_text = None
        return True


def _new_generation():
    # Random rather than a counter: after Redis loses the state, a fresh generation can
    # never match a page stored under an old one.
    return uuid.uuid4().hex[:16]


class GuardedCache:
    """The shared cache, left alone for a while after a call that was slow.

    django-redis turns Redis errors into misses, but a Redis that does not answer costs a
    socket timeout on every call. After one slow call this process stops asking for
    ``BACKOFF_SECONDS`` and serves uncached pages at full speed meanwhile.
    """

    BACKOFF_SECONDS = 5.0

    def __init__(self):
        self.down_until = 0.0

    def call(self, default, method, *args, **kwargs):
        if time.monotonic() < self.down_until:
            return default
        started = time.monotonic()
        slow = settings.NEWSROOM_CACHE_SLOW_SECONDS
        try:
            return getattr(cache, method)(*args, **kwargs)
        finally:
            if time.monotonic() - started > slow:
                self.down_until = time.monotonic() + self.BACKOFF_SECONDS
                log.warning("The shared cache took over %.1f s to answer; serving "
                            "uncached pages for %.0f s.", slow, self.BACKOFF_SECONDS)

    def get(self, key, default=None):
        return self.call(default, "get", key, default)

    def get_many(self, keys):
        return self.call({}, "get_many", keys)

    def set(self, key, value, timeout=None):
        return self.call(None, "set", key, value, timeout=timeout)

    def set_many(self, values, timeout):
        return self.call([], "set_many", values, timeout=timeout)


shared = GuardedCache()


def _set_state(next_at, store=None):
    state = (_new_generation(), next_at, time.time())
    # Reads renew the state through the guard; a bump always tries to reach Redis, as
    # other servers must see it.
    (store or cache.set)(STATE_KEY, state, timeout=None)
    return state


def written(key, value, timeout=None, *, guarded=False):
    """Store ``value`` and read it back: True only if the shared cache really holds it.

    The backend hides its errors (a Redis outage must not fail a page), so a write that
    matters (an invalidation) is checked by reading it back. ``guarded`` goes through
    ``shared``: a Redis that is slow to answer is then asked once, not on every call.
    """
    store = shared if guarded else cache
    store.set(key, value, timeout=timeout)
    return store.get(key) == value


def bump_content_generation(*, guarded=False):
    """Make every cached page and remembered value stale; True if the shared cache took it.

    The generation implementation of ``articles.caching.invalidation.invalidate()``.
    """
    state = (_new_generation(), UNKNOWN, time.time())
    state_for_request.set(None)
    return written(STATE_KEY, state, guarded=guarded)


def mark_takedown(*, guarded=False):
    """Remember that a page was taken down now (a withdrawal): no last good copy rendered
    before it is served again, whichever page it is (a listing may show the story too).
    True if the shared cache took it."""
    return written(TAKEDOWN_KEY, time.time(), timeout=last_good_seconds(), guarded=guarded)


def last_takedown():
    """When a page was last taken down (epoch seconds, 0 for never); a cache that fails to
    answer (None) is taken as now, so no old copy is trusted."""
    taken_down = shared.get(TAKEDOWN_KEY, 0.0)
    return time.time() if taken_down is None else taken_down


def next_scheduled_timestamp():
    """When the next scheduled article goes public (epoch seconds), or None."""
    from articles.models import Article

    published_at = (
        Article.objects.using("default")
        .scheduled()
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    return published_at.timestamp() if published_at else None


def current_state(state):
    """The state to render under: renewed when unset, unknown or past a scheduled time.

    Without the database (a restart) the next scheduled time cannot be read: the state
    stays as it is for this request, and the pages that need the database fail over to
    their last good copies (PageCacheMiddleware).
    """
    if state is None or state[1] == UNKNOWN or (state[1] is not None and time.time() >= state[1]):
        try:
            next_at = next_scheduled_timestamp()
        except DatabaseError:
            return state or (_new_generation(), UNKNOWN, time.time())
        return _set_state(next_at, store=shared.set)
    return state


def content_generation():
    """The current content generation (renewed if a scheduled article has come due)."""
    return _request_state()[0]


# The cache state as read once per request (by the middleware), so data caches
# (remember()) add no extra round trip for it. None outside a request: read each time.
state_for_request = contextvars.ContextVar("newsroom_cache_state", default=None)


def _request_state():
    state = state_for_request.get()
    if state is None:
        state = current_state(shared.get(STATE_KEY))
        if in_request.get():
            state_for_request.set(state)
    return state


in_request = contextvars.ContextVar("newsroom_in_request", default=False)
MISSING = object()


class GenerationMemory:
    """Remembered values of the current generation, also kept in this process's memory.

    The generation is read from the shared cache once per request, so a value kept here
    is used only while it is current, exactly like its copy in Redis: never stale. Within
    a generation a worker then needs no round trip (and no unpickling) for the listing
    counts, related tags and article cards it has already used. Bounded in entries and
    (approximately) in bytes: the oldest entries go first; everything goes when the
    generation changes. Made for sync workers (one request at a time per process): a
    threaded server would need a lock around it.
    """

    def __init__(self, max_entries=5000, max_bytes=None):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.generation = None
        self.values = {}
        self.bytes = 0

    def get(self, generation, key):
        if generation != self.generation:
            return MISSING
        value, expires, _size = self.values.get(key, (MISSING, 0.0, 0))
        if value is not MISSING and expires < time.time():
            self._drop(key)
            return MISSING
        return value

    def set(self, generation, key, value, timeout, size=0):
        if generation != self.generation:
            self.clear()
            self.generation = generation
        if self.max_bytes is not None and size > self.max_bytes:
            return
        self._drop(key)
        while self.values and (
            len(self.values) >= self.max_entries
            or (self.max_bytes is not None and self.bytes + size > self.max_bytes)
        ):
            self._drop(next(iter(self.values)))
        self.values[key] = (value, time.time() + timeout, size)
        self.bytes += size

    def _drop(self, key):
        _value, _expires, size = self.values.pop(key, (None, 0.0, 0))
        self.bytes -= size

    def clear(self):
        self.generation, self.values, self.bytes = None, {}, 0


memory = GenerationMemory(max_entries=5000, max_bytes=24 * 1024 * 1024)
# Whole cached pages, kept in process memory too: a hit then fetches only the state.
page_memory = GenerationMemory(max_entries=2000, max_bytes=24 * 1024 * 1024)


def remember(name, compute, *key_parts, timeout=3600, keep=None):
    """compute(), cached under the current content generation and ``key_parts``.

    For costly reads that change only when content does (tag counts, related articles,
    aggregates): any write bumps the generation, so a remembered value is never stale.
    ``timeout`` bounds its age as well (for values that also move with the clock), in
    Redis and in process memory alike. A value for which ``keep(value)`` is false (an
    error response) is returned but not stored. The value is shared by the requests a
    worker serves: callers must not change it.
    """
    if degraded():
        return compute()
    state = _request_state()
    generation = state[0]
    # repr() keeps the parts apart: ("a:b",) and ("a", "b") are different keys.
    raw = repr((name, *key_parts))
    digest = hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()
    # "remembered:" holds (expiry, value) pairs; an older "remember:" entry is never read.
    key = f"remembered:{generation}:{digest}"
    value = memory.get(generation, key)
    if value is not MISSING:
        return value
    stored = shared.get(key)
    if stored is not None and stored[0] > time.time():
        expires_at, value = stored
    else:
        value = compute()
        if not may_store(state) or (keep is not None and not keep(value)):
            return value
        expires_at = time.time() + timeout
        shared.set(key, (expires_at, value), timeout=timeout)
    memory.set(generation, key, value, expires_at - time.time(), size=approximate_size(value))
    return value


def approximate_size(value):
    """A rough size in bytes, enough to keep a worker's memory of values bounded."""
    if isinstance(value, str | bytes):
        return len(value)
    if isinstance(value, list | tuple | dict | set):
        # A remembered response is a pair whose body may be most of a megabyte.
        texts = (item for item in value if isinstance(item, str | bytes))
        return 64 + 128 * len(value) + sum(len(text) for text in texts)
    return 512


def remember_many(name, keys, compute, timeout=3600):
    """{key: value} for every key, cached under the current content generation.

    One cache round trip at most for all of them; ``compute(missing_keys)`` returns the
    values not found (e.g. rendered article cards), which are then stored together.
    """
    keys = list(keys)
    if degraded():
        return compute(keys) if keys else {}
    state = _request_state()
    generation = state[0]
    prefix = f"remember:{generation}:{name}:"
    values = {}
    for key in keys:
        value = memory.get(generation, prefix + str(key))
        if value is not MISSING:
            values[key] = value
    wanted = [key for key in keys if key not in values]
    if not wanted:
        return values
    found = shared.get_many([prefix + str(key) for key in wanted])
    fetched = {key: found[prefix + str(key)] for key in wanted if prefix + str(key) in found}
    missing = [key for key in wanted if key not in fetched]
    computed = compute(missing) if missing else {}
    storable = may_store(state)
    if computed and storable:
        shared.set_many({prefix + str(key): value for key, value in computed.items()},
                        timeout=timeout)
    if storable:
        for key, value in {**fetched, **computed}.items():
            memory.set(generation, prefix + str(key), value, timeout,
                       size=approximate_size(value))
    values.update(fetched)
    values.update(computed)
    return values


def degraded():
    """True while a write's invalidation has not reached the shared cache yet: cached
    pages and values may predate it, so this process neither serves nor stores them."""
    from articles.caching import invalidation

    return invalidation.has_unapplied()


def may_store(state):
    """False just after a change when a read replica may still be behind."""
    # A value read from a replica that has not replayed the write yet must not be kept.
    if "replica" not in settings.DATABASES:
        return True
    return time.time() - state[2] >= settings.NEWSROOM_REPLICA_LAG_SECONDS


def last_good_seconds():
    return settings.NEWSROOM_LAST_GOOD_SECONDS
