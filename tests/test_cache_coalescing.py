"""A page a write made stale is rendered once, however many readers ask for it at once:
the first worker to miss it renders it, the others wait for that copy (never for one a
later write has made stale, and never for long)."""

import threading
import time

import pytest
from django.test import Client, RequestFactory

from articles.caching import pages, state
from tests.pagecache_urls import SlowPage

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.pagecache_urls")]


@pytest.fixture
def slow_page(monkeypatch):
    monkeypatch.setattr(SlowPage, "text", "first")
    monkeypatch.setattr(SlowPage, "renders", 0)
    monkeypatch.setattr(SlowPage, "seconds", 0.4)
    monkeypatch.setattr(SlowPage, "began", None)
    assert Client().get("/slow/")["X-Page-Cache"] == "miss"
    state.bump({"slow"})  # a write makes the page stale
    return SlowPage


def read_at_once(count, stagger=0.05):
    """``count`` readers of /slow/, each starting a little after the one before (as
    requests arrive): their responses, in that order."""
    responses = [None] * count

    def read(n):
        responses[n] = Client().get("/slow/")

    threads = [threading.Thread(target=read, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
        time.sleep(stagger)
    for thread in threads:
        thread.join()
    return responses


def test_two_readers_of_a_missed_page_cause_one_render(slow_page):
    slow_page.text = "second"
    first, second = read_at_once(2)
    assert slow_page.renders == 2, "one render before the write, one after it"
    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "coalesced"
    assert first.content == second.content == b"second"


def test_a_copy_rendered_before_a_write_is_not_handed_to_the_waiting_reader(slow_page):
    """The first reader's render read the page before a write landed: the reader who
    waited for it renders the page afresh and sees the write."""
    slow_page.text = "second"
    slow_page.began = threading.Event()

    def write_meanwhile():
        # Once the first render has read the page (however busy the machine), while
        # it is still rendering and the second reader has begun.
        assert slow_page.began.wait(10)
        time.sleep(0.15)
        slow_page.text = "third"
        state.bump({"slow"})

    writer = threading.Thread(target=write_meanwhile)
    writer.start()
    first, second = read_at_once(2)
    writer.join()
    assert first.content == b"second"
    assert first["Cache-Control"] == "no-store", "no cache in front may keep it"
    assert second.content == b"third"
    assert slow_page.renders == 3


def test_a_reader_waits_no_longer_than_the_render_wait(slow_page, settings):
    """Another worker that claimed the page and never stores it (it died, say) holds
    readers back for NEWSROOM_PAGE_RENDER_WAIT_SECONDS at most."""
    settings.NEWSROOM_PAGE_RENDER_WAIT_SECONDS = 0.3
    slow_page.seconds = 0
    slow_page.text = "second"
    key = pages.page_key(RequestFactory().get("/slow/"))
    assert pages.PageCacheMiddleware.claim_render(key) is True  # "another worker"
    started = time.monotonic()
    response = Client().get("/slow/")
    assert 0.3 <= time.monotonic() - started < 1.0
    assert response["X-Page-Cache"] == "miss"
    assert response.content == b"second"
