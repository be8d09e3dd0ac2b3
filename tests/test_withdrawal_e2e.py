"""A withdrawal through the documented nginx and with Redis stalled: no copy of the story
survives anywhere. Real gunicorn, nginx (docs/nginx.conf) and Redis; runs in CI's
PostgreSQL + Redis pass and skips elsewhere."""

import os
import shutil
import socket
import threading
import time

import pytest
import redis
from django.test import override_settings

from articles.caching import invalidation
from articles.editorial import services
from bench.proxies import REFRESH_TOKEN, Nginx
from tests.factories import make_article
from tests.servers import HOST, Gunicorn, fetch, free_port, needs_shared_services

pytestmark = pytest.mark.django_db(transaction=True)

# Short lifetimes, so the test can watch copies expire.
SHORT = {"NEWSROOM_PAGE_SHARED_MAX_AGE": "1", "NEWSROOM_GONE_SHARED_MAX_AGE": "1",
         "NEWSROOM_PAGE_STALE_SECONDS": "30"}


@pytest.fixture
def site():
    """gunicorn, and nginx from docs/nginx.conf in front of it."""
    needs_shared_services()
    if not shutil.which("nginx"):
        pytest.skip("nginx is not installed (apt-get install nginx)")
    app = Gunicorn(**SHORT)
    proxy = None
    try:
        proxy = Nginx(port=free_port(), upstream_port=app.port)
        yield app, proxy
    finally:
        if proxy is not None:
            proxy.stop()
        app.stop()


def through(proxy, path, **headers):
    status, response_headers, body = fetch(proxy.port, path, headers)
    return status, response_headers.get("X-Proxy-Cache"), body


def test_a_withdrawn_story_is_gone_through_nginx_at_once(site, editor):
    app, proxy = site
    article = make_article("Story to be withdrawn", countries=["IN"])
    url = article.get_absolute_url()
    assert through(proxy, url)[:2] == (200, "MISS")
    assert through(proxy, url)[:2] == (200, "HIT")
    # A reader's own query string or cookies do not make another copy.
    assert through(proxy, url + "?utm_source=feed")[:2] == (200, "HIT")
    assert through(proxy, url, Cookie="sessionid=made-up; _ga=1")[:2] == (200, "HIT")

    with override_settings(NEWSROOM_PROXY_REFRESH_URLS=[f"http://127.0.0.1:{proxy.port}"],
                           NEWSROOM_PROXY_REFRESH_TOKEN=REFRESH_TOKEN,
                           NEWSROOM_SITE_URL=f"http://{HOST}"):
        services.article_withdraw(article=article, by=editor)
    for path in (url, url + "?utm_source=feed"):
        status, cache_status, body = through(proxy, path)
        assert status == 410, (path, cache_status)
        assert "Story to be withdrawn" not in body
    # Past every lifetime the app gave, nginx still has nothing but the 410 to serve.
    time.sleep(2.5)
    for _ in range(3):
        assert through(proxy, url)[0] == 410


def test_without_a_refresh_the_410_replaces_nginxs_copy_once_it_expires(site, editor):
    """Even a proxy the app does not know about keeps the story only for its max-age."""
    app, proxy = site
    article = make_article("Story withdrawn behind an unknown proxy")
    url = article.get_absolute_url()
    through(proxy, url)
    assert through(proxy, url)[:2] == (200, "HIT")
    services.article_withdraw(article=article, by=editor)
    time.sleep(1.5)
    # Past its max-age nginx serves its old copy only while it fetches the new one.
    deadline = time.monotonic() + 1.0
    while through(proxy, url)[0] != 410:
        assert time.monotonic() < deadline, "the 410 never replaced nginx's copy"
        time.sleep(0.05)
    assert [through(proxy, url)[0] for _ in range(3)] == [410, 410, 410]


def test_staff_bypass_nginx_and_a_refresh_needs_the_token(site, editor):
    app, proxy = site
    article = make_article("Story for readers")
    url = article.get_absolute_url()
    through(proxy, url)
    assert through(proxy, url, Cookie="newsroom_staff=anything")[1] == "BYPASS"
    # From an app server's address (this test's) without the right token: the copy.
    assert through(proxy, url, **{"X-Newsroom-Refresh": "1"})[1] == "HIT"
    assert through(proxy, url, **{"X-Newsroom-Refresh": REFRESH_TOKEN})[1] == "BYPASS"


def raw_get(port, target):
    """A GET of ``target`` exactly as written ("//" included): status and cache status."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n"
                     .encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head = data.split(b"\r\n\r\n", 1)[0].decode(errors="replace").split("\r\n")
    cache = next((line.split(":", 1)[1].strip() for line in head
                  if line.lower().startswith("x-proxy-cache")), None)
    return int(head[0].split()[1]), cache


def test_an_odd_spelling_of_an_address_cannot_replace_its_copy(site):
    """"//" or "/./" reach the app as written (a 404 there): stored under the real
    page's key, any reader could take a page down for everyone."""
    app, proxy = site
    article = make_article("Story that must stay up", countries=["IN"])
    for path in ("/", article.get_absolute_url(), "/countries/india/"):
        raw_get(proxy.port, path)
        time.sleep(1.5)  # past its s-maxage: nginx will store a new answer
        raw_get(proxy.port, "/" + path)
        raw_get(proxy.port, path.rstrip("/") + "/./")
        time.sleep(0.3)
        assert [raw_get(proxy.port, path)[0] for _ in range(3)] == [200, 200, 200], path


def test_a_withdrawal_made_while_redis_stalls_is_seen_once_it_answers(site, editor, client):
    """The invalidation fails while Redis is paused; it is retried and applied as soon
    as Redis answers, and meanwhile this process serves nothing stale."""
    app, _proxy = site
    article = make_article("Story withdrawn during a Redis stall")
    url = article.get_absolute_url()
    for _ in range(2):
        fetch(app.port, url)
    assert fetch(app.port, url)[1]["X-Page-Cache"] == "hit"
    assert client.get(url).status_code == 200

    pause_ms = 4000
    admin = redis.Redis.from_url(os.environ["REDIS_URL"])
    admin.execute_command("CLIENT", "PAUSE", pause_ms, "ALL")
    paused_at = time.monotonic()
    services.article_withdraw(article=article, by=editor)
    assert invalidation.has_unapplied(), "the stalled invalidation is kept to retry"
    assert client.get(url).status_code == 410, "nothing stale from this process meanwhile"

    time.sleep(max(0.0, pause_ms / 1000 - (time.monotonic() - paused_at)) + 0.1)
    deadline = time.monotonic() + 1.0
    while invalidation.has_unapplied() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not invalidation.has_unapplied(), "applied within a second of Redis answering"
    status, headers, body = fetch(app.port, url)
    assert status == 410
    assert "Story withdrawn during a Redis stall" not in fetch(app.port, "/")[2]


def test_load_during_a_redis_stall_gets_no_errors(site):
    """Readers keep being answered (uncached) while Redis does not answer."""
    app, _proxy = site
    article = make_article("Story read during a stall")
    admin = redis.Redis.from_url(os.environ["REDIS_URL"])
    statuses = []

    def read():
        for _ in range(10):
            statuses.append(fetch(app.port, article.get_absolute_url())[0])

    admin.execute_command("CLIENT", "PAUSE", 1500, "ALL")
    readers = [threading.Thread(target=read) for _ in range(4)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    assert set(statuses) == {200}
