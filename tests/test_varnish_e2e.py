"""Varnish in front (deploy/varnish/default.vcl, xkey): a write purges exactly the pages
that show what it changed, the others stay cached there, and with the app servers
stopped Varnish keeps serving what it has. Real gunicorn, Varnish, PostgreSQL and Redis;
runs in CI's PostgreSQL pass."""

import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings as django_settings

from articles.editorial import services
from articles.platform.worker import status as worker_status
from bench.proxies import Varnish
from tests.factories import make_article
from tests.servers import REPO, Gunicorn, fetch, free_port, needs_shared_services

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def edge(settings):
    needs_shared_services()
    if not shutil.which("varnishd"):
        pytest.skip("Varnish is not installed (apt-get install varnish varnish-modules)")
    app = Gunicorn()
    varnish = None
    try:
        varnish = Varnish(port=free_port(), upstream_port=app.port)
        settings.NEWSROOM_EDGE_PURGE_URLS = [varnish.url]
        yield app, varnish
    finally:
        if varnish is not None:
            varnish.stop()
        app.stop()


@pytest.fixture
def stories():
    return (make_article("Delhi hosts the trade talks", slug="delhi-talks", countries=["IN"]),
            make_article("Moscow sets its grain quota", slug="grain-quota", countries=["RU"]))


def through(varnish, path):
    status, headers, body = fetch(varnish.port, path)
    return status, headers.get("X-Edge-Cache"), body


def cached_at_the_edge(varnish, *paths):
    for path in paths:
        through(varnish, path)
        status, outcome, _body = through(varnish, path)
        assert (status, outcome) == (200, "hit"), path


def test_an_edit_is_seen_through_varnish_at_once_and_other_pages_stay_cached(
    edge, stories, editor
):
    _app, varnish = edge
    india, russia = stories
    showing = [india.get_absolute_url(), "/countries/india/", "/"]
    elsewhere = [russia.get_absolute_url(), "/countries/russia/"]
    cached_at_the_edge(varnish, *showing, *elsewhere)

    india.headline = "Delhi hosts the trade talks, and a deal"
    services.article_save(article=india, by=editor)
    saved = time.monotonic()
    for path in showing:
        status, _outcome, body = through(varnish, path)
        assert status == 200 and "and a deal" in body, path
    assert time.monotonic() - saved < 1.0
    for path in elsewhere:
        assert through(varnish, path)[:2] == (200, "hit"), path
    # The keys are for Varnish only: readers never see them.
    assert "xkey" not in fetch(varnish.port, "/")[1]


def test_a_withdrawal_leaves_no_copy_at_the_edge(edge, stories, editor):
    _app, varnish = edge
    india, _russia = stories
    cached_at_the_edge(varnish, india.get_absolute_url())
    services.article_withdraw(article=india, by=editor)
    assert through(varnish, india.get_absolute_url())[0] == 410


def test_varnish_keeps_serving_its_pages_while_the_app_is_down(edge, stories):
    app, varnish = edge
    india, _russia = stories
    cached_at_the_edge(varnish, india.get_absolute_url(), "/")
    app.stop()
    time.sleep(2.5)  # the health probe has noticed
    for path in (india.get_absolute_url(), "/"):
        status, _outcome, body = through(varnish, path)
        assert status == 200 and "Delhi hosts" in body, path


def test_only_a_purge_that_names_keys_is_taken(edge):
    _app, varnish = edge
    request = urllib.request.Request(varnish.url + "/", method="PURGE")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 400


@pytest.fixture
def worker(monkeypatch):
    """The background worker (qcluster) on the test database and Redis; tasks queued by
    this process go to it instead of running here."""
    from django_q.conf import Conf

    from tests.servers import database_url

    monkeypatch.setattr(Conf, "SYNC", False)
    env = {**os.environ, "DATABASE_URL": database_url(), "NEWSROOM_TASKS_SYNC": "0",
           "CACHE_KEY_PREFIX": django_settings.CACHES["default"].get("KEY_PREFIX", "")}
    process = subprocess.Popen([sys.executable, "manage.py", "qcluster"], cwd=REPO, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while worker_status() != "running":
            assert process.poll() is None, process.stderr.read()
            assert time.monotonic() < deadline, "the worker never reported"
            time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_the_worker_purges_in_the_background(edge, stories, editor, worker, client):
    _app, varnish = edge
    india, _russia = stories
    cached_at_the_edge(varnish, india.get_absolute_url())
    assert client.get("/readyz").json()["worker"] == "running"
    india.headline = "Purged by the worker"
    services.article_save(article=india, by=editor)
    deadline = time.monotonic() + 5
    while "Purged by the worker" not in through(varnish, india.get_absolute_url())[2]:
        assert time.monotonic() < deadline, "the worker never purged the page"
        time.sleep(0.1)
