"""Real servers for end-to-end tests: gunicorn on the test database and Redis, and the
documented nginx in front (bench/proxies.py). Only meaningful with a shared database
and cache: the tests that use them skip on SQLite or without REDIS_URL."""

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

REPO = Path(__file__).resolve().parent.parent
HOST = "localhost"  # one Host for every request, as behind a load balancer


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(port, path, headers=None):
    """(status, headers, body) of a GET through 127.0.0.1:port, errors included."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Host": HOST, **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def needs_shared_services():
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        pytest.skip("needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)")


def database_url():
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


class Gunicorn:
    """The app under gunicorn (DEBUG off), on pytest's test database and Redis."""

    def __init__(self, **environment):
        self.port = free_port()
        env = {
            **os.environ,
            # The server uses pytest's test database, which the test commits to.
            "DATABASE_URL": database_url(),
            "SECURE_SSL_REDIRECT": "0",
            "STATIC_UNHASHED": "1",
            "CACHE_KEY_PREFIX": settings.CACHES["default"].get("KEY_PREFIX", ""),
            # A loaded test machine can be slow to answer; that is not a Redis outage.
            "NEWSROOM_CACHE_SLOW_SECONDS": "2",
            **environment,
        }
        env.pop("DEBUG", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "newsroom.wsgi", "--workers", "1",
             "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning"],
            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                fetch(self.port, "/healthz")
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    pytest.fail(f"gunicorn did not start: {self.process.stderr.read()!r}")
                time.sleep(0.2)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
