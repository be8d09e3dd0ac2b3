"""Two app servers on one PostgreSQL and one Redis: an edit is seen at once through both.

Only meaningful with a shared database and cache, so it runs in CI's PostgreSQL + Redis
pass and skips on SQLite or without REDIS_URL.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from articles.models import Article, Correction
from tests.factories import make_article

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.django_db(transaction=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(port, path):
    # One Host for both, as behind a load balancer: the page cache keys on it.
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Host": "localhost"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, ""


def database_url():
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.fixture
def two_servers():
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        pytest.skip("needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)")
    env = {
        **os.environ,
        # The servers use pytest's test database, which the test commits to.
        "DATABASE_URL": database_url(),
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_UNHASHED": "1",
        "CACHE_KEY_PREFIX": settings.CACHES["default"].get("KEY_PREFIX", ""),
    }
    env.pop("DEBUG", None)
    ports = [free_port(), free_port()]
    servers = [
        subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "newsroom.wsgi", "--workers", "1",
             "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        for port in ports
    ]
    try:
        for server, port in zip(servers, ports, strict=True):
            deadline = time.monotonic() + 30
            while True:
                try:
                    fetch(port, "/robots.txt")
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        pytest.fail(f"server did not start: {server.stderr.read()!r}")
                    time.sleep(0.2)
        yield ports
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=10)


def test_an_edit_is_seen_at_once_through_both_servers(two_servers):
    """Pages are shared through Redis, and one write invalidates them for every server."""
    first, second = two_servers
    article = make_article("Envoys meet in Geneva", countries=["IN", "RU"])
    url = article.get_absolute_url()

    status, headers, body = fetch(first, url)
    assert status == 200 and "Envoys meet in Geneva" in body
    status, headers, body = fetch(second, url)
    assert headers["X-Page-Cache"] == "hit", "the second server serves the first's page"

    article.headline = "Envoys meet again in Geneva"
    article.save()
    for port in (first, second):
        status, headers, body = fetch(port, url)
        assert "Envoys meet again in Geneva" in body
    assert fetch(first, url)[1]["X-Page-Cache"] == "hit"

    Correction.objects.create(article=article, note="The talks were held on Tuesday.")
    assert "The talks were held on Tuesday." in fetch(second, url)[2]

    article.status = Article.Status.WITHDRAWN
    article.save()
    assert fetch(first, url)[0] == 404
    assert fetch(second, url)[0] == 404
