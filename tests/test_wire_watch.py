"""import_articles --watch DIR: files dropped into a folder are imported as they arrive,
moved to done/ or failed/ (with a .error file), never imported twice across restarts,
and the watch stops cleanly."""

import io
import os
import threading
import time

import pytest
from django.core.management import call_command

from articles.models import Article
from articles.wire import watching
from tests.test_importing import write

pytestmark = pytest.mark.django_db(transaction=True)
STORY = "date 2024-03-14 Ministers agreed on Thursday to study a new rail link."
ITEM = ('{"uri": "urn:test:watch", "version": "1", '
        '"headlines": [{"value": "Port talks resume in Colombo"}]}')


def aged(path):
    """As if written a while ago: the watch leaves files still arriving alone."""
    old = time.time() - 60
    os.utime(path, (old, old))
    return path


def watch_once(folder):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_articles", "--watch", str(folder), "--once", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_files_are_imported_and_moved_to_done_or_failed(tmp_path):
    aged(write(tmp_path, "story.txt", STORY))
    aged(write(tmp_path, "item.json", ITEM))
    aged(write(tmp_path, "broken.xml", "<newsItem><unclosed></newsItem>"))
    fresh = write(tmp_path, "arriving.txt", STORY.replace("Thursday", "Friday"))

    out, err = watch_once(tmp_path)

    assert Article.objects.count() == 2
    assert sorted(p.name for p in (tmp_path / "done").iterdir()) == ["item.json", "story.txt"]
    assert sorted(p.name for p in (tmp_path / "failed").iterdir()) == [
        "broken.xml", "broken.xml.error"]
    assert "invalid XML" in (tmp_path / "failed" / "broken.xml.error").read_text()
    assert "broken.xml: failed: line 1: invalid XML" in err
    assert fresh.exists()  # still arriving: next pass
    assert out.splitlines()[-1] == "imported 2, skipped 0, failed 1"


def test_a_restart_finishes_a_claimed_file_without_importing_it_twice(tmp_path):
    aged(write(tmp_path, "story.txt", STORY))
    watch_once(tmp_path)
    # A watcher stopped between the import and the move left a copy in processing/.
    (tmp_path / "processing" / "again.txt").write_text(STORY)
    aged(write(tmp_path, "story.txt", STORY))  # and the agency sent it again

    out, _ = watch_once(tmp_path)

    assert Article.objects.count() == 1
    assert not list((tmp_path / "processing").iterdir())
    assert sorted(p.name for p in (tmp_path / "done").iterdir()) == [
        "again.txt", "story-2.txt", "story.txt"]
    assert out.splitlines()[-1] == "imported 0, skipped 2, failed 0"


def test_a_file_claimed_by_another_watcher_is_left_to_it(tmp_path):
    folder = watching.WatchedFolder(tmp_path)
    path = aged(write(tmp_path, "story.txt", STORY))
    assert folder.claim(path) is not None
    assert folder.claim(path) is None


def test_the_watch_stops_when_told(tmp_path):
    stop = threading.Event()
    seen = []
    runner = threading.Thread(target=watching.watch, args=(tmp_path,), kwargs={
        "report": lambda result, moved: seen.append(moved), "stop": stop, "interval": 0.05})
    runner.start()
    time.sleep(0.2)
    stop.set()
    runner.join(timeout=5)
    assert not runner.is_alive()
