"""The benchmark's mixed run (bench/mixed.py) on a small archive: readers on the mix of
listings and articles while the desk edits, publishes and corrects one story a second
and saves a draft a second, against a real gunicorn. Runs in CI's PostgreSQL pass."""

import os
import shutil

import pytest
from django.core.management import call_command

from bench import mixed
from bench.management.commands.seed_bench import Command as SeedBench
from tests.servers import Gunicorn, needs_shared_services

pytestmark = pytest.mark.django_db(transaction=True)

SECONDS = 6


@pytest.fixture
def server():
    needs_shared_services()
    if not shutil.which("wrk"):
        pytest.skip("wrk is not installed (apt-get install wrk)")
    with open(os.devnull, "w") as quiet:
        call_command(SeedBench(), articles=300, seed=1, stdout=quiet)
    app = Gunicorn()
    try:
        yield f"http://127.0.0.1:{app.port}"
    finally:
        app.stop()


def test_readers_see_each_write_at_once_with_no_errors_while_the_desk_works(
    server, editor, tmp_path
):
    """Every public write shows on its article's page and its tag's page on the first
    fetch after the commit, nobody gets an error, the draft saves leave every cached
    page as it was, and most readers are served from the cache."""
    mix = mixed.reader_mix(newest=200, tags=30, feed_tags=5, words=5)
    mix_file = mixed.write_mix(mix, tmp_path / "mix.txt")
    mixed.load(server, mix_file, 2, connections=4)  # warm-up
    writer = mixed.Writer(base_url=server, by=editor, seconds=SECONDS)
    writer.prepare()

    figures = mixed.load(server, mix_file, SECONDS, writer=writer.run, connections=4)

    writes = figures["writes"]
    assert writes["by kind"] == {"edit": 2, "publish": 2, "correct": 2}
    assert writes["failed writes"] == 0, writes["records"]
    assert figures["errors"] == 0 and figures["statuses"]["4xx"] == 0, figures
    assert writes["pages checked"] == 10 and writes["pages never fresh"] == 0, writes["records"]
    assert writes["staleness max ms"] <= 1000
    assert writes["draft saves"] == SECONDS
    assert writes["draft saves that changed the cache state"] == 0
    assert figures["page_hit_ratio"] >= 0.5, figures["page_cache"]
