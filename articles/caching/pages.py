"""Full-page cache for anonymous readers that is never stale.

Every cached page is stored with the dependency keys of what it shows (collected while
it renders: ``articles.caching.dependencies``) and the write sequence number read when
its rendering began, and is served only while none of those keys has changed since
(``articles.caching.state``). Writes that readers can see change the keys they touch
through ``articles.caching.invalidation.invalidate()``, so every app server sees the
change on its next request while the pages that do not show it stay cached, and a
scheduled article appears at its time.

Requests from logged-in staff (a signed ``newsroom_staff`` cookie, set at login) bypass
the cache and get ``private, no-cache``; any other cookie, a made-up session id included,
is served from the cache like any reader. Anonymous responses get an ``ETag`` and
``Last-Modified`` (so conditional requests answer 304) and a short shared
``Cache-Control`` for nginx or a CDN; a 404 or 410 gets a short shared lifetime too, so a
proxy replaces its copy of a page that has gone. The cache backend swallows its own
errors (django-redis ``IGNORE_EXCEPTIONS``), so a Redis outage means uncached pages,
never an error; when the database fails instead, a reader gets the last good copy of
the page (``stale``) rather than an error, unless the page was withdrawn since.
"""

import hashlib
import logging
import time
from urllib.parse import urlencode

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from articles.caching import dependencies
from articles.caching.state import (
    MISSING,
    Entry,
    changed_since,
    degraded,
    in_request,
    is_current,
    last_good_seconds,
    last_takedown,
    may_store,
    page_cache_enabled,
    page_memory,
    read_state,
    record_versions,
    shared,
    state_for_request,
    versions_for_request,
)

log = logging.getLogger("newsroom.cache")

PAGE_KEY_PREFIX = "pagecache:entry:"
# Held while a worker renders a page that was missed, so the others wait for its copy.
RENDERING_PREFIX = "pagecache:rendering:"
# How often a worker waiting for another's render looks for its copy.
RENDER_POLL_SECONDS = 0.01
# The signed cookie that marks a logged-in staff member's browser.
STAFF_COOKIE = "newsroom_staff"
STAFF_COOKIE_SALT = "newsroom.caching.staff"
# Hop-by-hop or per-response headers that a stored page must not replay.
UNSTORED_HEADERS = {"set-cookie", "date", "x-page-cache", "surrogate-control"}


def page_key(request):
    """The page's address as the cache knows it: only the query parameters public pages
    read (NEWSROOM_PAGE_QUERY_PARAMS) count, so ``?utm_source=…`` or a made-up parameter
    shares the page's copy instead of rendering and storing one more."""
    query = urlencode(sorted(
        (name, value) for name in settings.NEWSROOM_PAGE_QUERY_PARAMS
        for value in request.GET.getlist(name)
    ))
    raw = f"{request.scheme}://{request.get_host()}{request.path}?{query}{variant(request)}"
    return PAGE_KEY_PREFIX + hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()


def variant(request):
    """The representation the Accept header asks for, among those some page offers in
    place of its usual one (NEWSROOM_PAGE_ACCEPT_VARIANTS: an article of the API as IPTC
    ninjs); empty for the usual one. Those pages answer ``Vary: Accept``."""
    accept = request.headers.get("Accept", "")
    return next((f"#{media_type}" for media_type in settings.NEWSROOM_PAGE_ACCEPT_VARIANTS
                 if media_type in accept), "")


def carries_credentials(request):
    """A request that may read what readers may not where credentials open more
    (NEWSROOM_CREDENTIALED_PREFIXES, the API: a staff member's drafts): it carries an
    ``Authorization`` header (an API token) or a session cookie. Its answer is private,
    never stored here or by a shared cache. (Elsewhere a site behind HTTP basic auth, a
    staging copy, keeps its page cache.)"""
    return request.path.startswith(tuple(settings.NEWSROOM_CREDENTIALED_PREFIXES)) and (
        "HTTP_AUTHORIZATION" in request.META or settings.SESSION_COOKIE_NAME in request.COOKIES)


def is_personal(request):
    """A logged-in staff member's browser (a validly signed staff cookie) gets its own
    pages; any other cookie, a made-up session id included, is a reader's."""
    if STAFF_COOKIE not in request.COOKIES:
        return False
    return request.get_signed_cookie(
        STAFF_COOKIE, default=None, salt=STAFF_COOKIE_SALT, max_age=settings.SESSION_COOKIE_AGE
    ) is not None


class StaffCookieMiddleware:
    """Give a logged-in staff member's browser the signed staff cookie, and take it away
    after logout, so the page cache (which runs before sessions are read) can tell
    editors from readers by a signature check alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        has_session = settings.SESSION_COOKIE_NAME in request.COOKIES or request.session.accessed
        staff = has_session and request.user.is_authenticated and request.user.is_staff
        if staff and not is_personal(request):
            response.set_signed_cookie(
                STAFF_COOKIE, "1", salt=STAFF_COOKIE_SALT, max_age=settings.SESSION_COOKIE_AGE,
                secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax",
            )
        elif not staff and is_personal(request):
            response.delete_cookie(STAFF_COOKIE, samesite="Lax")
        return response


class PageCacheMiddleware:
    """Serve and store anonymous GET responses of public pages (see module docstring).

    Sits after SecurityMiddleware and WhiteNoise and before the session middleware, so
    a cache hit costs one cache round trip and no session or database work.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self._bypass_prefixes = None

    def bypass_prefixes(self):
        if self._bypass_prefixes is None:
            prefixes = [settings.STATIC_URL, settings.MEDIA_URL]
            for name, fallback in (("admin:index", "/admin/"), ("healthz", "/healthz"),
                                   ("readyz", "/readyz")):
                try:
                    prefixes.append(reverse(name))
                except NoReverseMatch:
                    prefixes.append(fallback)
            self._bypass_prefixes = tuple(p for p in prefixes if p)
        return self._bypass_prefixes

    def __call__(self, request):
        request_token = in_request.set(True)
        state_token = state_for_request.set(None)
        versions_token = versions_for_request.set(None)
        try:
            # The dependency keys of what the page shows, recorded as it renders.
            with dependencies.collecting() as keys:
                return self.respond(request, keys)
        finally:
            versions_for_request.reset(versions_token)
            state_for_request.reset(state_token)
            in_request.reset(request_token)

    def is_public_read(self, request):
        """An anonymous GET or HEAD of a public page: what this cache serves."""
        return (request.method in ("GET", "HEAD")
                and not request.path.startswith(self.bypass_prefixes())
                and not is_personal(request) and not carries_credentials(request))

    def respond(self, request, keys):
        if request.path.startswith(self.bypass_prefixes()):
            return self.get_response(request)
        if carries_credentials(request):
            response = self.get_response(request)
            patch_cache_control(response, private=True, no_store=True)
            return response
        if is_personal(request):
            response = self.get_response(request)
            patch_cache_control(response, private=True, no_cache=True)
            return response
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        if not page_cache_enabled() or degraded():
            response = self.get_response(request)
            if self.is_storable(request, response, keys):
                name_keys(response, keys)
                self.add_validators(response, etag_for(response.content), int(time.time()))
                edge_lifetime(response, min(time.time() + self.timeout(), keys.until))
                if page_cache_enabled():
                    response["X-Page-Cache"] = "degraded"
            return self.add_error_lifetime(response)

        key = page_key(request)
        state = read_state()
        state_for_request.set(state)
        entry = page_memory.get(state, key)
        if entry is MISSING:
            entry = shared.get(key)
            if self.is_current(entry, state):
                page_memory.set(state, key, entry, page_until(entry) - time.time(),
                                size=len(entry.value[0]))
        if not self.is_current(entry, state):
            stores = request.method == "GET" and state.sequence is not None and may_store(state)
            claimed = self.claim_render(key) if stores else None
            entry = self.wait_for_render(key, state) if claimed is False else None
            if entry is None:
                try:
                    return self.render(request, key, keys, state)
                finally:
                    if claimed:
                        shared.delete(RENDERING_PREFIX + key)
            outcome = "coalesced"
        else:
            outcome = "hit"
        content, headers, etag, rendered_at = entry.value[:4]
        response = HttpResponse(content, headers=headers, status=stored_status(entry))
        return answer(request, response, etag, rendered_at, outcome, until=page_until(entry))

    @staticmethod
    def claim_render(key):
        """True: this worker renders the missed page (the others wait for its copy);
        False: another worker is rendering it; None: the cache did not say.

        A write makes its hottest pages stale for every worker at once: one renders
        each, instead of every worker rendering the same page side by side.
        """
        timeout = max(1, round(2 * settings.NEWSROOM_PAGE_RENDER_WAIT_SECONDS))
        return shared.add(RENDERING_PREFIX + key, 1, timeout=timeout)

    def wait_for_render(self, key, state):
        """The copy another worker is rendering, once stored; None when this worker is
        to render the page after all: the other stored nothing current, the wait
        passed NEWSROOM_PAGE_RENDER_WAIT_SECONDS, or a write to what the page shows
        landed meanwhile."""
        lock = RENDERING_PREFIX + key
        deadline = time.monotonic() + settings.NEWSROOM_PAGE_RENDER_WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(RENDER_POLL_SECONDS)
            found = shared.get_many([key, lock])
            entry = found.get(key)
            if self.is_current(entry, state):
                # Checked afresh, not against this request's memo of versions: no copy
                # a write has since made stale is served (or kept by a cache in front).
                return None if changed_since(entry.keys, state) else entry
            if lock not in found:
                return None  # rendered, but nothing current was stored
        return None

    def render(self, request, key, keys, state):
        """The page rendered now, stored if it may be kept."""
        # When rendering began: a page that read the database before a withdrawal is
        # older than it, however late it finished.
        rendered_at = int(time.time())
        response = self.get_response(request)
        if response.get("X-Page-Cache") == "stale":
            return response  # a last good copy (process_exception), not a new render
        if not self.is_storable(request, response, keys):
            return self.add_error_lifetime(response)
        etag = etag_for(response.content)
        self.add_validators(response, etag, rendered_at)
        # Until one of its keys changes, or what it shows moves with the clock.
        until = min(rendered_at + self.timeout(), keys.until)
        keys = name_keys(response, keys)
        # Before record_versions() below gives unversioned keys the number of now.
        born_stale = changed_since(keys, state)
        if request.method == "GET" and state.sequence is not None and may_store(state):
            headers = [(k, v) for k, v in response.items() if k.lower() not in UNSTORED_HEADERS]
            entry = Entry(state.epoch, state.sequence, keys,
                          (response.content, headers, etag, rendered_at,
                           response.status_code, until))
            # Kept past its freshness as the page's last good copy (process_exception).
            shared.set(key, entry, timeout=last_good_seconds())
            record_versions(keys, state)
            page_memory.set(state, key, entry, until - time.time(),
                            size=len(response.content))
        if born_stale:
            # A write to what the page shows committed while it rendered: right for
            # this reader, stale for the next (stored above, it is not current here).
            # The edges' purge for that write may already have passed, so no cache in
            # front may keep this copy.
            response["Cache-Control"] = "no-store"
        return answer(request, response, etag, rendered_at, "miss", until=until)

    def process_exception(self, request, exception):
        """The database failed (a restart, say): the page's last good copy, else a 503.

        Never a copy rendered before a page was last taken down (``mark_takedown``): it
        may be the withdrawn story, or a listing that still shows it.
        """
        if not isinstance(exception, DatabaseError) or not self.is_public_read(request):
            return None
        entry = shared.get(page_key(request)) if page_cache_enabled() else None
        if entry is not None and entry.value[3] > last_takedown():
            log.warning("Database error on %s: served its last good copy (%s).",
                        request.path, type(exception).__name__)
            content, headers = entry.value[:2]
            response = HttpResponse(content, headers=headers, status=stored_status(entry))
            response["Cache-Control"] = "public, max-age=0, s-maxage=5"
            response["X-Page-Cache"] = "stale"
            return response
        log.warning("Database error on %s and no good copy to serve (%s).",
                    request.path, type(exception).__name__)
        try:
            page = render_to_string("503.html", request=request)
        except Exception:  # noqa: BLE001 - an outage page must not fail in turn
            page = "Back in a moment: please try again in a few seconds."
        response = HttpResponse(page, status=503)
        response["Retry-After"] = "10"
        response["Cache-Control"] = "no-store"
        return response

    @staticmethod
    def timeout():
        """How long a page lives at most, whatever it shows."""
        return settings.NEWSROOM_PAGE_CACHE_TIMEOUT

    def is_current(self, entry, state):
        """A stored page whose dependency keys have not changed, and whose moment of
        changing with the clock (page_until) has not come."""
        return (entry is not None and entry is not MISSING
                and page_until(entry) > time.time() and is_current(entry, state))

    @staticmethod
    def is_storable(request, response, keys=()):
        """Only plain 200 pages, and 301s that name what they depend on (an old address
        of an article: ``article:<id>``), that set no cookie and did not ask to stay
        private.

        A page that used a CSRF token carries the visitor's own token: never shared.
        """
        if response.status_code == 301 and not keys:
            return False  # a slash added, say: it names nothing a write would change
        if response.status_code not in (200, 301) or response.streaming or response.cookies:
            return False
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            return False
        cache_control = response.get("Cache-Control", "").lower()
        return not any(word in cache_control for word in ("private", "no-store", "no-cache"))

    @staticmethod
    def add_error_lifetime(response):
        """A 404 or 410 may be kept briefly by a shared cache, so a proxy's copy of a page
        that has since gone (a withdrawal) is replaced rather than served on as stale."""
        if response.status_code in (404, 410) and not response.has_header("Cache-Control"):
            patch_cache_control(response, public=True, max_age=0,
                                s_maxage=settings.NEWSROOM_GONE_SHARED_MAX_AGE)
        return response

    @staticmethod
    def add_validators(response, etag, rendered_at):
        response["ETag"] = etag
        response["Last-Modified"] = http_date(rendered_at)
        patch_cache_control(
            response,
            public=True,
            max_age=0,
            s_maxage=settings.NEWSROOM_PAGE_SHARED_MAX_AGE,
            stale_while_revalidate=settings.NEWSROOM_PAGE_STALE_SECONDS,
        )


def name_keys(response, keys):
    """Name the page's dependency keys in its ``xkey`` header, for an edge cache that
    purges by key (Varnish's xkey; Fastly's Surrogate-Key and Cloudflare's Cache-Tag
    take the same list). A page that names nothing it shows may show anything."""
    keys = frozenset(keys or {dependencies.ANY_CHANGE})
    response["xkey"] = " ".join(sorted(keys))
    return keys


def answer(request, response, etag, rendered_at, outcome, *, until):
    """The response, or a 304 when the client's copy is current; labelled hit or miss,
    with how long an edge cache may keep it (``Surrogate-Control``, which Varnish's VCL
    and Fastly read and take off): until a purge, or ``until``."""
    keyed = response.has_header("xkey")
    response = get_conditional_response(
        request, etag=etag, last_modified=rendered_at, response=response
    )
    response["X-Page-Cache"] = outcome
    if keyed:  # a 304 too: an edge revalidating its copy takes the lifetime it carries
        edge_lifetime(response, until)
    return response


def edge_lifetime(response, until):
    """How long an edge cache may keep the page, unless purged sooner: until ``until``
    (``Surrogate-Control``: Varnish's VCL and Fastly read it and take it off)."""
    response["Surrogate-Control"] = f"max-age={max(0, int(until - time.time()))}"


def page_until(entry):
    """When a stored page changes with the clock (epoch seconds): the moment stored with
    it; pages stored before it was, at their render time and the timeout."""
    value = entry.value
    return value[5] if len(value) > 5 else value[3] + PageCacheMiddleware.timeout()


def stored_status(entry):
    """The stored page's status: 200, or 301 for an old address (entries stored before
    301s were kept have four parts, and are all 200s)."""
    return entry.value[4] if len(entry.value) > 4 else 200


def etag_for(content):
    return f'"{hashlib.md5(content, usedforsecurity=False).hexdigest()}"'
