"""Purges of edge caches by key, made by the background worker: what is asked of each
node, what happens when one does not answer, and the purge at publication time."""

import http.server
import threading
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_q.models import Schedule

from articles.caching import dependencies, edges
from articles.editorial import services
from articles.models import Article
from articles.platform import worker
from tests.factories import make_article, make_editor

pytestmark = pytest.mark.django_db


class PurgeLog(http.server.BaseHTTPRequestHandler):
    """An edge node that records the purges it is sent."""

    received = []

    def do_PURGE(self):  # noqa: N802 - the HTTP method's name
        PurgeLog.received.append(self.headers["xkey-purge"])
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def node(settings):
    PurgeLog.received = []
    server = http.server.HTTPServer(("127.0.0.1", 0), PurgeLog)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    settings.NEWSROOM_EDGE_PURGE_URLS = [url]
    yield PurgeLog.received
    server.shutdown()


@pytest.mark.django_db(transaction=True)
def test_an_edit_purges_its_keys_on_every_edge_node(node):
    article = make_article("On the edge", countries=["IN"])
    node.clear()
    article.headline = "On the edge, edited"
    services.article_save(article=article, by=make_editor())
    assert len(node) == 1
    purged = node[0].split()
    assert dependencies.article(article.pk) in purged
    assert dependencies.ANY_CHANGE in purged
    assert dependencies.PUBLISHED not in purged  # an edit moves no listing


def test_a_draft_purges_nothing(node):
    make_article("A draft", status=Article.Status.DRAFT)
    assert node == []


def test_a_node_that_does_not_answer_is_tried_again_later_then_given_up(caplog):
    gone = ["http://127.0.0.1:9"]  # nothing listens
    edges.purge_now(["article:1"], gone)
    retry = Schedule.objects.get(func="articles.caching.edges.purge_now")
    assert retry.schedule_type == Schedule.ONCE
    assert timezone.now() + timedelta(seconds=50) < retry.next_run
    assert "trying again" in caplog.text
    Schedule.objects.all().delete()
    edges.purge_now(["article:1"], gone, attempt=len(edges.PURGE_RETRY_MINUTES))
    assert not Schedule.objects.exists()
    assert "Gave up purging" in caplog.text


def test_a_scheduled_story_is_purged_at_the_edge_when_it_goes_live(node):
    editor = make_editor()
    when = timezone.now() + timedelta(hours=3)
    story = make_article("Embargoed until noon", status=Article.Status.REVIEW,
                         countries=["IN"])
    services.article_publish(article=story, by=editor, at=when)
    purge = Schedule.objects.get(func="articles.caching.edges.purge_now")
    assert abs((purge.next_run - when).total_seconds()) < 1
    assert "published" in purge.args and f"article:{story.pk}" in purge.args


def test_an_edit_of_a_scheduled_story_is_purged_at_the_edge_when_it_goes_live(node):
    """What the edit changed (its page, its words' searches) is purged at its time too,
    not only what the scheduling save named."""
    editor = make_editor()
    when = timezone.now() + timedelta(hours=3)
    story = make_article("Embargoed until noon", status=Article.Status.REVIEW,
                         countries=["IN"])
    services.article_publish(article=story, by=editor, at=when)
    story.refresh_from_db()
    story.headline = "Embargoed until noon, edited"
    services.article_save(article=story, by=editor)
    purges = Schedule.objects.filter(func="articles.caching.edges.purge_now")
    assert purges.count() == 2
    assert all(abs((purge.next_run - when).total_seconds()) < 1 for purge in purges)


def test_a_scheduled_story_restored_in_bulk_is_purged_at_the_edge_when_it_goes_live(
        node, tmp_path):
    from articles.wire.files import import_files
    from tests.test_bulk_import import embargoed_export

    export, embargo = embargoed_export(tmp_path)

    list(import_files([export]))

    purge = Schedule.objects.get(func="articles.caching.edges.purge_now")
    assert purge.next_run == embargo
    assert "published" in purge.args


def test_everything_stays_one_ban():
    assert edges.edge_keys({dependencies.EVERYTHING, "article:1"}) == ["*"]


def test_readyz_says_whether_the_worker_runs(client):
    assert client.get("/readyz").json()["worker"] == "never seen"
    worker.schedule_heartbeat()
    worker.schedule_heartbeat()  # a second worker process: still one schedule
    assert Schedule.objects.filter(name=worker.HEARTBEAT_SCHEDULE).count() == 1
    assert client.get("/readyz").json()["worker"] == "running"
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert client.get("/readyz").json()["worker"] == "not running"
