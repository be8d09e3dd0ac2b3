"""Proxies in front of the app (nginx with docs/nginx.conf): a page taken down is fetched
afresh by each, so its copy there is the 410, not the story.

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
from urllib.parse import urlsplit

from django.conf import settings

log = logging.getLogger("newsroom.cache")

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
