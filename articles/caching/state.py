"""The page cache's shared state, and the values remembered under it.

Every cached page (``articles.caching.pages``) and remembered value (``remember``,
``remember_many``: counts, anchors, cards, fragments) records the *dependency keys* of
what it shows (``articles.caching.dependencies``: an article, a tag's listing, the
archive of a month, the sitemap, ...) and the *write sequence* number read when its
rendering began. Every invalidation takes the next sequence number and stores it as the
version of each key it names. An entry is current while none of its keys has a version
above its own number: an edit makes stale exactly what shows the article, and a page
that began rendering before a write never outlives it, however late it is stored.

An *epoch* covers everything: renewing it (a vocabulary entry renamed or merged, a
scheduled article coming due, a state Redis lost) makes every entry stale at once.
Because a scheduled article goes public when its time comes, with nothing saved then,
the state also holds the next scheduled publication time; once the clock passes it the
epoch is renewed.

About 540 lines on purpose: the state, the check of an entry against it and the two
readers of entries (``remember`` and the page cache's memory) are one protocol; read
apart, none of them says when an entry may be used.

The cache backend swallows its own errors (django-redis ``IGNORE_EXCEPTIONS``), so a
Redis outage means uncached pages, never an error; ``GuardedCache`` stops asking a Redis
that is slow to answer for a few seconds.
"""

import contextvars
import hashlib
import logging
import math
import threading
import time
import uuid
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError

# Reports of a Redis that fails or is slow: one line a minute per process (settings).
log = logging.getLogger("newsroom.cache.redis")

STATE_KEY = "pagecache:state"  # (epoch, when it began)
# The write sequence: each invalidation takes the next number.
SEQUENCE_KEY = "pagecache:sequence"
# A dependency key's version: the sequence number of its last change.
VERSION_PREFIX = "pagecache:version:"
# (the write sequence number when read, the next scheduled publication time or None).
NEXT_KEY = "pagecache:next"
# When the last invalidation was made (for a read replica's lag).
CHANGED_KEY = "pagecache:changed"
# When a page was last taken down (a withdrawal): last good copies older are never used.
TAKEDOWN_KEY = "pagecache:takedown"
# The keys one write changed, by its sequence number (``ChangeLog``).
CHANGES_PREFIX = "pagecache:changes:"


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


def _new_epoch():
    # Random rather than a counter: after Redis loses the state, a fresh epoch can never
    # match an entry stored under an old one.
    return uuid.uuid4().hex[:16]


def _sequence_start():
    """Where a lost write sequence starts again: above every number it gave before
    (milliseconds since 1970, while fewer than a thousand writes a second were made)."""
    return int(time.time() * 1000)


class GuardedCache:
    """The shared cache, left alone for a while after calls that were slow.

    django-redis turns Redis errors into misses, but a Redis that does not answer costs a
    socket timeout on every call. After ``SLOW_CALLS`` slow calls in a row this process
    stops asking for ``BACKOFF_SECONDS`` and serves uncached pages at full speed
    meanwhile. One slow call is not enough: on a machine whose cores are all busy a
    process waits its turn, and backing off then made every page a render for 5 s (the
    mixed bench at 100,000 articles: 159 -> 106 req/s once a writer joined).
    """

    BACKOFF_SECONDS = 5.0
    SLOW_CALLS = 2

    def __init__(self):
        self.down_until = 0.0
        self.slow_calls = 0

    def call(self, default, method, *args, **kwargs):
        if time.monotonic() < self.down_until:
            return default
        started = time.monotonic()
        slow = settings.NEWSROOM_CACHE_SLOW_SECONDS
        try:
            return getattr(cache, method)(*args, **kwargs)
        finally:
            if time.monotonic() - started <= slow:
                self.slow_calls = 0
            else:
                self.slow_calls += 1
                if self.slow_calls >= self.SLOW_CALLS:
                    self.slow_calls = 0
                    self.down_until = time.monotonic() + self.BACKOFF_SECONDS
                    log.warning("The shared cache took over %.1f s to answer, %d times in "
                                "a row; serving uncached pages for %.0f s.", slow,
                                self.SLOW_CALLS, self.BACKOFF_SECONDS)

    def get(self, key, default=None):
        return self.call(default, "get", key, default)

    def get_many(self, keys):
        return self.call({}, "get_many", keys)

    def add(self, key, value, timeout=None):
        """True if stored, False if the key was there, None if the cache did not say."""
        return self.call(None, "add", key, value, timeout=timeout)

    def delete(self, key):
        return self.call(None, "delete", key)

    def incr(self, key):
        return self.call(None, "incr", key)

    def touch(self, key, timeout):
        return self.call(False, "touch", key, timeout)

    def set(self, key, value, timeout=None):
        return self.call(None, "set", key, value, timeout=timeout)

    def set_many(self, values, timeout):
        return self.call([], "set_many", values, timeout=timeout)


shared = GuardedCache()


@dataclass(frozen=True)
class CacheState:
    """What a request renders under: read once, at its start."""

    epoch: str
    sequence: int | None
    changed_at: float


class Entry(NamedTuple):
    """A cached page or remembered value, with what it depends on."""

    epoch: str
    sequence: int  # the write sequence when its rendering began
    keys: frozenset  # its dependency keys
    value: object
    # When what it shows changes with the clock alone (epoch seconds; entries stored
    # before this field unpickle with the default, never).
    until: float = math.inf


def written(key, value, timeout=None, *, guarded=False):
    """Store ``value`` and read it back: True only if the shared cache really holds it.

    The backend hides its errors (a Redis outage must not fail a page), so a write that
    matters (an invalidation) is checked by reading it back. ``guarded`` goes through
    ``shared``: a Redis that is slow to answer is then asked once, not on every call.
    """
    store = shared if guarded else cache
    store.set(key, value, timeout=timeout)
    return store.get(key) == value


def renew_epoch(*, guarded=False):
    """Make every cached page and remembered value stale; True if the shared cache took it."""
    return written(STATE_KEY, (_new_epoch(), time.time()), guarded=guarded)


def bump_content_generation(*, guarded=False):
    """Everything stale at once (tests, and the seeder's bulk writes): ``renew_epoch``."""
    return renew_epoch(guarded=guarded)


def bump(keys, *, guarded=False):
    """Give each dependency key a new version (the next write sequence number), so every
    entry that depends on one is stale; True if the shared cache took it all.

    The implementation of ``articles.caching.invalidation.invalidate()``.
    """
    from articles.caching.dependencies import ANY_CHANGE, EVERYTHING

    if EVERYTHING in keys:
        return renew_epoch(guarded=guarded)
    store = shared if guarded else cache
    try:
        number = store.incr(SEQUENCE_KEY)
    except ValueError:
        # No sequence: Redis lost it (or never had one). Numbers given before are
        # unknown now: start above them, and make every entry stale, since their numbers
        # can no longer be compared.
        store.add(SEQUENCE_KEY, _sequence_start(), timeout=None)
        if not renew_epoch(guarded=guarded):
            return False
        try:
            number = store.incr(SEQUENCE_KEY)
        except ValueError:
            return False
    if number is None:  # the cache did not answer
        return False
    # Django's own backends give an incremented key their default lifetime: this one
    # must outlive every entry.
    store.touch(SEQUENCE_KEY, None)
    changed = frozenset({*keys, ANY_CHANGE})
    versions = {VERSION_PREFIX + key: number for key in changed}
    versions[CHANGED_KEY] = time.time()
    store.set_many(versions, timeout=None)
    found = store.get_many(list(versions))
    # After the versions: a process that reads this write's keys finds them there too.
    store.set(CHANGES_PREFIX + str(number), changed, timeout=ChangeLog.RECORD_SECONDS)
    return all(found.get(key, object()) == value for key, value in versions.items())


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


def read_state():
    """The state to render under (``_read_state``), with this process's log of changes
    brought up to it (``ChangeLog``)."""
    state = _read_state()
    changes.catch_up(state)
    return state


def _read_state():
    """The state to render under, in one round trip: the epoch is renewed when Redis
    lost it or a scheduled article has come due since.

    Without the database (a restart) the next scheduled time cannot be read: the state
    stays as it is for this request, and the pages that need the database fail over to
    their last good copies (PageCacheMiddleware).
    """
    found = shared.get_many([STATE_KEY, SEQUENCE_KEY, NEXT_KEY, CHANGED_KEY])
    stored, sequence = found.get(STATE_KEY), found.get(SEQUENCE_KEY)
    if stored is None or sequence is None:
        # Lost (or never made): numbers and entries from before cannot be trusted.
        if sequence is None:
            shared.add(SEQUENCE_KEY, _sequence_start(), timeout=None)
        stored = (_new_epoch(), time.time())
        shared.set(STATE_KEY, stored, timeout=None)
        # None while the cache does not answer: nothing is then stored under it.
        sequence = shared.get(SEQUENCE_KEY)
        if sequence is None:
            return CacheState(stored[0], None, stored[1])
        found[NEXT_KEY] = (None, None)  # a new epoch: nothing cached is older than it
    state = CacheState(stored[0], sequence, max(stored[1], found.get(CHANGED_KEY) or 0.0))
    # (the sequence number it was read under, the next scheduled time): read again after
    # any write, which may have scheduled an article; unknown counts as come due.
    next_known = found.get(NEXT_KEY)
    due = next_known is None or (next_known[1] is not None and time.time() >= next_known[1])
    if not due and next_known[0] == sequence:
        return state
    try:
        next_at = next_scheduled_timestamp()
    except DatabaseError:
        return state
    if due:
        # A scheduled article has come due with nothing saved: everything may show it.
        stored = (_new_epoch(), time.time())
        shared.set(STATE_KEY, stored, timeout=None)
        state = CacheState(stored[0], sequence, stored[1])
    shared.set(NEXT_KEY, (sequence, next_at), timeout=None)
    return state


def content_generation():
    """The current epoch (renewed if a scheduled article has come due)."""
    return _request_state().epoch


def write_sequence():
    """The current write sequence number (None when Redis does not answer)."""
    return _request_state().sequence


# The cache state as read once per request (by the middleware), so data caches
# (remember()) add no extra round trip for it. None outside a request: read each time.
state_for_request = contextvars.ContextVar("newsroom_cache_state", default=None)
# Dependency versions read during this request: each key is read once per request.
versions_for_request = contextvars.ContextVar("newsroom_cache_versions", default=None)


def _request_state():
    state = state_for_request.get()
    if state is None:
        state = read_state()
        if in_request.get():
            state_for_request.set(state)
    return state


def versions(keys):
    """{key: version} of the given dependency keys (absent: never changed, or lost)."""
    known = versions_for_request.get() if in_request.get() else None
    if known is None:
        known = {}
        if in_request.get():
            versions_for_request.set(known)
    unread = [key for key in keys if key not in known]
    if unread:
        found = shared.get_many([VERSION_PREFIX + key for key in unread])
        for key in unread:
            known[key] = found.get(VERSION_PREFIX + key)
    return {key: known[key] for key in keys}


def is_current(entry, state, *, checked=None):
    """True if nothing ``entry`` depends on has changed since its rendering began (or
    since ``checked``, a later sequence number at which it was found current).

    Told by this process's log of changes when it reaches back that far (no round
    trip), else by the keys' versions in Redis.
    """
    if entry.epoch != state.epoch or state.sequence is None:
        return False
    since = entry.sequence if checked is None else max(entry.sequence, checked)
    if since == state.sequence:
        return True
    told = changes.unchanged(entry.keys, since, state)
    if told is not None:
        return told
    found = versions(entry.keys)
    return all(version is not None and version <= entry.sequence
               for version in found.values())


def changed_since(keys, state):
    """True if a write has named one of ``keys``, or renewed the epoch, since ``state``
    was read: what was rendered under it may predate that write. Read afresh, not from
    the request's memo; with no write since, one round trip. A cache that does not
    answer tells nothing (False)."""
    if state.sequence is None:
        return False
    found = shared.get_many([STATE_KEY, SEQUENCE_KEY])
    stored, sequence = found.get(STATE_KEY), found.get(SEQUENCE_KEY)
    if stored is None or sequence is None:
        return False
    if stored[0] != state.epoch:
        return True
    if sequence == state.sequence:
        return False
    found = shared.get_many([VERSION_PREFIX + key for key in keys])
    return any(version is not None and version > state.sequence
               for version in found.values())


def record_versions(keys, state):
    """Give a key no write has named yet a version, so entries can be checked against
    it: the sequence number now (an entry that began before it is then stale once, never
    wrongly current)."""
    found = versions(keys)
    unknown = [key for key, version in found.items() if version is None]
    if not unknown:
        return
    now = shared.get(SEQUENCE_KEY)
    if now is None:
        return
    for key in unknown:
        shared.add(VERSION_PREFIX + key, now, timeout=None)
    # The request's memo learns them too: a page's remembered values share most of
    # their keys, and each would otherwise add them again, a round trip a key.
    known = versions_for_request.get() if in_request.get() else None
    if known is not None:
        known.update(dict.fromkeys(unknown, now))


in_request = contextvars.ContextVar("newsroom_in_request", default=False)
MISSING = object()


class EntryMemory:
    """Entries of the current epoch also kept in this process's memory.

    An entry is used only after the same check as its copy in Redis (``is_current``);
    the check is made once per write sequence number, so a worker on a quiet site needs
    no round trip (and no unpickling) for the listing counts, related tags and article
    cards it has already used. Bounded in entries and (approximately) in bytes: the
    oldest entries go first; everything goes when the epoch changes. Made for sync
    workers (one request at a time per process): a threaded server would need a lock
    around it.
    """

    def __init__(self, max_entries=5000, max_bytes=None):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.epoch = None
        self.values = {}
        self.bytes = 0

    def get(self, state, key):
        """The entry, if current under ``state``; else MISSING."""
        if state.epoch != self.epoch:
            return MISSING
        entry, expires, size, checked = self.values.get(key, (MISSING, 0.0, 0, None))
        if entry is MISSING:
            return MISSING
        if expires < time.time():
            self._drop(key)
            return MISSING
        if checked != state.sequence:
            if not is_current(entry, state, checked=checked):
                self._drop(key)
                return MISSING
            if changes.tells(state.sequence, state):
                # Not while a write's record is awaited: its versions may be too.
                self.values[key] = (entry, expires, size, state.sequence)
        return entry

    def set(self, state, key, entry, timeout, size=0):
        if state.epoch != self.epoch:
            self.clear()
            self.epoch = state.epoch
        if self.max_bytes is not None and size > self.max_bytes:
            return
        self._drop(key)
        while self.values and (
            len(self.values) >= self.max_entries
            or (self.max_bytes is not None and self.bytes + size > self.max_bytes)
        ):
            self._drop(next(iter(self.values)))
        self.values[key] = (entry, time.time() + timeout, size, state.sequence)
        self.bytes += size

    def _drop(self, key):
        _entry, _expires, size, _checked = self.values.pop(key, (None, 0.0, 0, None))
        self.bytes -= size

    def clear(self):
        self.epoch, self.values, self.bytes = None, {}, 0


class ChangeLog:
    """The keys each write changed since some sequence number, as this process has read
    them: an entry it holds is then checked against the writes made since without a
    round trip to Redis for the entry's keys.

    Each invalidation stores its keys under its sequence number (``bump``). A process
    reads the records it has not seen once per write (``catch_up``, with the request's
    state), not once per entry: on a site that writes every second, each hit otherwise
    asked Redis for the versions of the page's keys (the mixed bench at 100,000
    articles: hits cost a third more CPU with the writer than without).

    Where the log cannot tell (a record not written yet, lost, or from before this
    process started reading), entries are checked against the versions as before. A
    record still missing after ``MISSING_SECONDS`` (a write that failed halfway) is
    given up: the log starts again from the sequence number of now.
    """

    RECORD_SECONDS = 600  # how long a record is kept for processes catching up
    MAX_GAP = 200  # more writes than this since the last read: start again
    MAX_KEYS = 50_000  # keys remembered before starting again
    MISSING_SECONDS = 1.0

    def __init__(self):
        # A threaded server (the tests' live server) shares it between requests.
        self.lock = threading.Lock()
        self.clear()

    def clear(self):
        # Complete for the writes numbered in (since, known]; changed: key -> number.
        self.epoch, self.since, self.known, self.changed = None, None, None, {}
        self.missing_since = None

    def restart(self, state):
        self.epoch, self.since, self.known, self.changed = (
            state.epoch, state.sequence, state.sequence, {})
        self.missing_since = None

    def catch_up(self, state):
        """Read the records of the writes up to ``state``'s sequence number."""
        if state.sequence is None:
            return
        with self.lock:
            self._catch_up(state)

    def _catch_up(self, state):
        if (self.epoch != state.epoch or self.known is None or state.sequence < self.known
                or state.sequence - self.known > self.MAX_GAP
                or len(self.changed) > self.MAX_KEYS):
            self.restart(state)
            return
        if state.sequence == self.known:
            return
        numbers = range(self.known + 1, state.sequence + 1)
        found = shared.get_many([CHANGES_PREFIX + str(number) for number in numbers])
        for number in numbers:
            keys = found.get(CHANGES_PREFIX + str(number))
            if keys is None:
                break
            self.changed.update(dict.fromkeys(keys, number))
            self.known = number
            self.missing_since = None
        if self.known == state.sequence:
            return
        now = time.monotonic()
        if self.missing_since is None:
            self.missing_since = now
        elif now - self.missing_since > self.MISSING_SECONDS:
            self.restart(state)

    def tells(self, since, state):
        """True if the log holds every write after ``since`` up to ``state``."""
        return (self.epoch == state.epoch and self.since is not None
                and self.since <= since and state.sequence is not None
                and self.known >= state.sequence)

    def unchanged(self, keys, since, state):
        """True if no write after ``since`` up to ``state`` changed one of ``keys``;
        False if one did; None if the log cannot tell."""
        with self.lock:
            if not self.tells(since, state):
                return None
            changed = self.changed
            return all(changed.get(key, since) <= since for key in keys)


changes = ChangeLog()
memory = EntryMemory(max_entries=5000, max_bytes=24 * 1024 * 1024)
# Whole cached pages, kept in process memory too: a hit then fetches only the state.
page_memory = EntryMemory(max_entries=2000, max_bytes=24 * 1024 * 1024)


def remember(name, compute, *key_parts, depends_on, timeout=3600, keep=None,
             moves_with_clock=False, until=math.inf):
    """compute(), cached under ``key_parts`` until a dependency key changes.

    ``depends_on`` names what the value shows (``articles.caching.dependencies``); the
    keys recorded while computing it (cards it renders, values it remembers) are added.
    Reading it records them all for the page being rendered. ``timeout`` bounds its age
    as well, in Redis and in process memory alike; with ``moves_with_clock`` (a value
    that changes with the clock alone) the page that reads it lives no longer
    (``dependencies.record_until``), nor does one whose computing recorded a moment or
    that was given one (``until``: a fragment, what its page had recorded before it). A
    value for which ``keep(value)`` is false (an error response) is returned but not
    stored. The value is shared by the requests a worker serves: callers must not
    change it.
    """
    from articles.caching import dependencies

    if degraded():
        dependencies.record(*depends_on)
        if moves_with_clock:
            dependencies.record_until(time.time() + timeout)
        return compute()
    state = _request_state()
    # repr() keeps the parts apart: ("a:b",) and ("a", "b") are different keys.
    raw = repr((name, *key_parts))
    digest = hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()
    # "kept:" holds (expiry, Entry) pairs; older "remembered:" entries are never read.
    key = f"kept:{digest}"
    entry = memory.get(state, key)
    if entry is MISSING:
        stored = shared.get(key)
        if stored is not None and stored[0] > time.time() and is_current(stored[1], state):
            entry = stored[1]
            memory.set(state, key, entry, stored[0] - time.time(),
                       size=approximate_size(entry.value))
    if entry is not MISSING:
        dependencies.record(*entry.keys)
        dependencies.record_until(entry.until)
        return entry.value
    started = time.time()
    with dependencies.collecting() as inner:
        value = compute()
    keys = frozenset(depends_on) | inner
    until = min(until, inner.until, started + timeout if moves_with_clock else math.inf)
    dependencies.record(*keys)
    dependencies.record_until(until)
    if state.sequence is None or not may_store(state) or (keep is not None and not keep(value)):
        return value
    expiry = min(started + timeout, until)
    lifetime = expiry - time.time()
    if lifetime <= 0:
        return value
    entry = Entry(state.epoch, state.sequence, keys, value, until)
    shared.set(key, (expiry, entry), timeout=math.ceil(lifetime))
    record_versions(keys, state)
    memory.set(state, key, entry, lifetime, size=approximate_size(value))
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


def remember_many(name, keys, compute, *, depends_on, timeout=3600):
    """{key: value} for every key, each cached until one of its dependency keys changes.

    One cache round trip at most for all of them (and one for their keys' versions);
    ``compute(missing_keys)`` returns the values not found (e.g. rendered article cards),
    which are then stored together. ``depends_on(key)`` names what one value shows.
    """
    from articles.caching import dependencies

    keys = list(keys)
    if degraded():
        for key in keys:
            dependencies.record(*depends_on(key))
        return compute(keys) if keys else {}
    state = _request_state()
    prefix = f"kept:{name}:"
    entries = {}
    for key in keys:
        entry = memory.get(state, prefix + str(key))
        if entry is not MISSING:
            entries[key] = entry
    wanted = [key for key in keys if key not in entries]
    if wanted:
        found = shared.get_many([prefix + str(key) for key in wanted])
        fetched = {key: found[prefix + str(key)] for key in wanted if prefix + str(key) in found}
        versions(set().union(*(entry.keys for entry in fetched.values()
                               if entry.sequence != state.sequence
                               and not changes.tells(entry.sequence, state))))
        fetched = {key: entry for key, entry in fetched.items() if is_current(entry, state)}
        missing = [key for key in wanted if key not in fetched]
        computed = {}
        if missing:
            with dependencies.collecting() as inner:
                values = compute(missing)
            # Computed together: each takes the soonest moment any of them recorded.
            computed = {
                key: Entry(state.epoch, state.sequence or 0,
                           frozenset(depends_on(key)) | inner, value, inner.until)
                for key, value in values.items()
            }
        if computed and inner.until < time.time() + timeout:
            timeout = math.ceil(inner.until - time.time())
        if state.sequence is not None and may_store(state) and timeout > 0:
            if computed:
                shared.set_many({prefix + str(key): entry for key, entry in computed.items()},
                                timeout=timeout)
                record_versions(set().union(*(entry.keys for entry in computed.values())),
                                state)
            for key, entry in {**fetched, **computed}.items():
                lifetime = min(timeout, entry.until - time.time())
                if lifetime > 0:
                    memory.set(state, prefix + str(key), entry, lifetime,
                               size=approximate_size(entry.value))
        entries.update(fetched)
        entries.update(computed)
    for entry in entries.values():
        dependencies.record(*entry.keys)
        dependencies.record_until(entry.until)
    return {key: entry.value for key, entry in entries.items()}


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
    return time.time() - state.changed_at >= settings.NEWSROOM_REPLICA_LAG_SECONDS


def last_good_seconds():
    return settings.NEWSROOM_LAST_GOOD_SECONDS
