import os
import threading
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.test import Client

from tests.factories import make_editor, make_reporter
from tests.signing_in import sign_in


@pytest.fixture(autouse=True)
def _clear_cache(monkeypatch, settings):
    """Each test starts with an empty cache, so cached pages never leak between tests.

    A cache call slower than NEWSROOM_CACHE_SLOW_SECONDS makes the process leave the cache
    alone for a while: on a loaded test machine a pause in the in-memory cache must not
    turn that on (tests of the back-off set their own threshold).
    """
    from articles.caching import invalidation, state

    settings.NEWSROOM_CACHE_SLOW_SECONDS = 30.0
    invalidation._unapplied.clear()
    # Looking for invalidations other processes kept costs a query a second: tests that
    # are about it turn it on; the others keep their exact query counts.
    monkeypatch.setattr(invalidation, "PENDING_CHECK_SECONDS", float("inf"))
    monkeypatch.setattr(state.shared, "down_until", 0.0)
    monkeypatch.setattr(state.shared, "slow_calls", 0)
    state.memory.clear()
    state.page_memory.clear()
    state.changes.clear()
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory):
    """Uploads and renditions go to a folder of the test run's, never the checkout's."""
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests flush the database; give each one the ISO countries and roles."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    from django.contrib.auth.models import Group, Permission

    from articles.editorial.roles import install_roles
    from articles.models import Country
    from articles.tagging.countries import install_countries

    install_countries(Country)
    install_roles(Group, Permission)


@pytest.fixture
def editor(db):
    return make_editor()


@pytest.fixture
def reporter(db):
    return make_reporter()


@pytest.fixture
def editor_client(editor):
    """A browser of its own (a test may also use a reporter's), signed in as the editor
    and past the second step (REQUIRE_2FA_FOR defaults to Editor)."""
    return sign_in(Client(), editor)


@pytest.fixture
def reporter_client(reporter):
    return sign_in(Client(), reporter)


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium through Playwright; CI without it is a failure."""
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs Chromium at /usr/bin/chromium (apt-get install chromium)")
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests
    # make around it are plain synchronous ones. Scoped to these tests: left set, it
    # would fail `check --deploy` in later tests.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class _RequestsInFlight:
    """The live server's threads handling a request now (the test's own client requests,
    in the main thread, are over when it gets its response and are not counted)."""

    def __init__(self):
        self.threads = set()
        self.lock = threading.Lock()
        request_started.connect(self.started, weak=False)
        request_finished.connect(self.finished, weak=False)

    def started(self, **kwargs):
        if threading.current_thread() is not threading.main_thread():
            with self.lock:
                self.threads.add(threading.get_ident())

    def finished(self, **kwargs):
        with self.lock:
            self.threads.discard(threading.get_ident())

    def wait_until_none(self, seconds=10.0):
        time.sleep(0.1)  # a request the closing pages sent reaches the server
        deadline = time.monotonic() + seconds
        while self.threads and time.monotonic() < deadline:
            time.sleep(0.05)


_IN_FLIGHT = _RequestsInFlight()


@pytest.fixture(autouse=True)
def _pages_closed_before_the_database_goes(request):
    """A page left open keeps autosaving and saying it is present every few seconds:
    close each test's pages before its database is flushed, and wait for the requests
    they sent, so no live-server request meets a database being torn down.
    (pytest-django's own autouse fixture sets the database up first, so it goes after.)"""
    yield
    if "browser" in request.fixturenames:
        contexts = request.getfixturevalue("browser").contexts
        for context in contexts:
            context.close()
        _IN_FLIGHT.wait_until_none()


@pytest.fixture
def screenshot_dir():
    """Where browser tests leave screenshots for a person to look at."""
    path = Path(os.environ.get("SCREENSHOT_DIR", "test-artifacts/screenshots"))
    path.mkdir(parents=True, exist_ok=True)
    return path
