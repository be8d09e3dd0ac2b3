"""Caches in front of the app.

Edge caches that purge by key (Varnish with ``deploy/varnish/default.vcl``, listed in
``EDGE_PURGE_URLS``): ``purge(keys)`` has the background worker (django-q2) send each
node a ``PURGE`` request naming the write's dependency keys in ``xkey-purge``; the node
deletes every copy whose ``xkey`` header holds one of them. A node that does not answer
is tried again later by the worker, and logged; the editor's save never waits for it.

Proxies that can only expire by time (nginx with docs/nginx.conf): a page taken down is
fetched afresh by each, so its copy there is the 410, not the story.

``refresh(paths)`` asks every proxy in ``NEWSROOM_PROXY_REFRESH_URLS`` for each address
with the ``X-Newsroom-Refresh`` header carrying ``NEWSROOM_PROXY_REFRESH_TOKEN``; nginx
lets that request bypass its copy (only from the app servers' addresses, only with the
token) and stores the answer in its place. A proxy that does not answer is retried by a
background thread with growing pauses for a while, and logged; it never holds up the
editor's save nor makes the app's own cache renew again. Without a refresh a proxy's copy
lives at most its ``s-maxage`` (the 410 then replaces it).
"""

import logging
import threading
import time
import urllib.error
import urllib.request
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from articles.caching import dependencies

log = logging.getLogger("newsroom.cache")

PURGE_HEADER = "xkey-purge"
# Keys per purge request, in characters: Varnish takes a header of up to 8 KiB
# (http_req_hdr_len); a publication names every word of its story (search results).
PURGE_HEADER_CHARS = 6000
# Minutes before each new attempt at a purge an edge node refused; then its copies
# expire by themselves (the VCL's TTL).
PURGE_RETRY_MINUTES = (1, 2, 5)

REFRESH_HEADER = "X-Newsroom-Refresh"
SCHEME_HEADER = "X-Newsroom-Scheme"
# Pauses between a proxy's retries, in seconds; then the copy expires by itself.
RETRY_PAUSES = (1, 2, 4, 8, 16, 30, 60, 60, 60)

_unrefreshed = set()  # (proxy, path)
_lock = threading.Lock()
_retrier = None


def refresh(paths):
    """Ask every configured proxy to fetch these pages afresh; retry the ones that fail."""
    failed = {(proxy, path) for proxy in settings.NEWSROOM_PROXY_REFRESH_URLS
              for path in paths if not _refreshed(proxy, path)}
    if failed:
        _retry_later(failed)


def _refreshed(proxy, path):
    """True once the proxy has fetched the page from the app (whatever it answered)."""
    site = urlsplit(settings.NEWSROOM_SITE_URL or f"http://{settings.ALLOWED_HOSTS[0]}")
    request = urllib.request.Request(
        proxy.rstrip("/") + path,
        headers={"Host": site.netloc, SCHEME_HEADER: site.scheme,
                 REFRESH_HEADER: settings.NEWSROOM_PROXY_REFRESH_TOKEN},
    )
    try:
        urllib.request.urlopen(request, timeout=2).close()
        return True
    except urllib.error.HTTPError as error:
        return error.code < 500  # 410 or 404: the page the proxy now keeps
    except OSError as error:
        log.warning("Could not refresh %s on %s: %s", path, proxy, error)
        return False


def _retry_later(failed):
    global _retrier
    with _lock:
        _unrefreshed.update(failed)
        if _retrier is None:
            _retrier = threading.Thread(target=_retry, name="newsroom-edge-refresh",
                                        daemon=True)
            _retrier.start()


def _retry():
    global _retrier
    for pause in RETRY_PAUSES:
        time.sleep(pause)
        with _lock:
            pending = set(_unrefreshed)
        done = {item for item in pending if _refreshed(*item)}
        with _lock:
            _unrefreshed.difference_update(done)
            if not _unrefreshed:
                _retrier = None
                return
    with _lock:
        log.error("Gave up refreshing %d page(s) on proxies; their copies expire by "
                  "themselves (s-maxage).", len(_unrefreshed))
        _unrefreshed.clear()
        _retrier = None


# -- edge caches that purge by key ---------------------------------------------------


def purge(keys):
    """Have the background worker purge ``keys`` on every edge node (none configured:
    nothing to do)."""
    if not settings.NEWSROOM_EDGE_PURGE_URLS or not keys:
        return
    from django_q.tasks import async_task

    async_task("articles.caching.edges.purge_now", edge_keys(keys),
               settings.NEWSROOM_EDGE_PURGE_URLS, group="edge-purge")


def edge_keys(keys):
    """The keys to purge: those named, and the one every write changes (pages whose view
    names nothing they show); all of them, ``*``, stays alone."""
    if dependencies.EVERYTHING in keys:
        return [dependencies.EVERYTHING]
    return sorted({*keys, dependencies.ANY_CHANGE})


def purge_at(keys, moment):
    """Have the worker purge ``keys`` on every edge node at ``moment``: when a scheduled
    story goes live, nothing is saved, yet the pages that list it change."""
    if not settings.NEWSROOM_EDGE_PURGE_URLS or not keys:
        return
    from django_q.models import Schedule
    from django_q.tasks import schedule

    schedule("articles.caching.edges.purge_now", edge_keys(keys),
             settings.NEWSROOM_EDGE_PURGE_URLS, schedule_type=Schedule.ONCE, repeats=1,
             next_run=moment)


def purge_now(keys, nodes, attempt=0):
    """Purge ``keys`` on ``nodes`` (the worker's task); a node that fails is tried again
    later, by a one-off schedule."""
    failed = [node for node in nodes if not _purged(node, keys)]
    if not failed:
        return
    if attempt >= len(PURGE_RETRY_MINUTES):
        log.error("Gave up purging %s on %s; their copies expire by themselves.",
                  " ".join(keys)[:200], ", ".join(failed))
        return
    from django_q.models import Schedule
    from django_q.tasks import schedule

    minutes = PURGE_RETRY_MINUTES[attempt]
    log.warning("Could not purge %s on %s; trying again in %d min.",
                " ".join(keys)[:200], ", ".join(failed), minutes)
    schedule("articles.caching.edges.purge_now", keys, failed, attempt + 1,
             schedule_type=Schedule.ONCE, repeats=1,
             next_run=timezone.now() + timedelta(minutes=minutes))


def _purged(node, keys):
    """True once the node has taken the purge (a request per header's worth of keys)."""
    return all(_purged_part(node, part) for part in _header_parts(keys))


def _header_parts(keys):
    """The keys as xkey-purge values of at most PURGE_HEADER_CHARS each."""
    part, size = [], 0
    for key in keys:
        if part and size + 1 + len(key) > PURGE_HEADER_CHARS:
            yield " ".join(part)
            part, size = [], 0
        part.append(key)
        size += len(key) + 1
    if part:
        yield " ".join(part)


def _purged_part(node, value):
    request = urllib.request.Request(node.rstrip("/") + "/", method="PURGE",
                                     headers={PURGE_HEADER: value})
    try:
        urllib.request.urlopen(request, timeout=2).close()
        return True
    except urllib.error.HTTPError as error:
        log.warning("Edge node %s refused a purge: %s %s", node, error.code, error.reason)
        return False
    except OSError as error:
        log.warning("Could not purge on %s: %s", node, error)
        return False
