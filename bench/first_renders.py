"""What a page costs when its cached copy is missing: first renders and the re-renders
each kind of write causes (docs/PERFORMANCE.md, "First renders cut").

    .venv/bin/python bench/first_renders.py [--articles 100000] [--writes 6]

Runs in-process (``django.test.Client``) on the archive that ``bash bench/run.sh
--articles N`` seeded, with its PostgreSQL cluster and Redis running, in a cache prefix
of its own (nothing the served app caches is touched):

1. article pages: 100 of the newest 1,000–1,100 rendered with their own pieces cold
   and the shared ones (navigation, tag asides) warm, as the cold run's Zipf tail meets
   them; the median, the 90th percentile, and the queries' own time;
2. tag pages: 40 of the 200 most covered, each rendered for the first time;
3. the blast radius of writes: the mix's 242 listings and the newest 300 articles
   cached, then the bench's own writer (``bench/mixed.py``) edits, publishes and
   corrects in turn; after each write every one of those pages is read again and the
   renders it caused are timed, by kind of page. The writer puts the database back
   afterwards.
"""

import argparse
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from bench import run as harness  # noqa: E402


def timed_get(client, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(path)
        elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    return response, elapsed * 1000, sum(float(q["time"]) for q in queries) * 1000


def ms(values):
    values = sorted(values)
    return (f"median {statistics.median(values):.1f} ms, p90 "
            f"{values[int(len(values) * 0.9)]:.1f} ms, mean {statistics.fmean(values):.1f} ms")


def kind_of(path):
    if path == "/":
        return "home"
    if "feed" in path:
        return "feed"
    if path.startswith("/search"):
        return "search"
    if path[1:5].isdigit():
        return "article"
    return "tag"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--writes", type=int, default=6)
    args = parser.parse_args()
    env = harness.app_env(f"newsroom_bench_{args.articles}")
    env.update(CACHE_KEY_PREFIX=f"first-renders-{time.time_ns()}", NEWSROOM_TASKS_SYNC="1")
    os.environ.update(env)
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.test import Client

    from articles.models import Article
    from bench import mixed

    client = Client(HTTP_HOST="127.0.0.1")
    newest = [a.get_absolute_url() for a in Article.objects.published().newest_first()
              .only("slug", "published_at")[:1100]]
    for path in newest[:150]:  # the shared pieces, warm as in a running site
        client.get(path)
    renders = [timed_get(client, path) for path in newest[1000:1100]]
    print(f"article first renders ({len(renders)}): {ms([r[1] for r in renders])}; "
          f"SQL mean {statistics.fmean(r[2] for r in renders):.1f} ms")

    listings = [path for _weight, path in mixed.reader_mix()][:1000]
    tags = [path for path in listings if kind_of(path) == "tag"][20:60]
    renders = [timed_get(client, path) for path in tags]
    print(f"tag page first renders ({len(renders)}): {ms([r[1] for r in renders])}; "
          f"SQL mean {statistics.fmean(r[2] for r in renders):.1f} ms")

    pages = [path for path in listings if kind_of(path) != "article"] + newest[:300]
    for _round in range(2):
        for path in pages:
            client.get(path)
    editor, _ = User.objects.get_or_create(
        username="bench-writer", defaults={"is_staff": True, "is_superuser": True})
    writer = mixed.Writer(base_url="http://127.0.0.1", by=editor, seconds=args.writes)
    writer.prepare()
    try:
        for n in range(args.writes):
            write = mixed.PUBLIC_WRITES[n % len(mixed.PUBLIC_WRITES)]
            getattr(writer, write)(f"first renders {write} {n}")
            rendered = defaultdict(list)
            for path in pages:
                response, elapsed, _sql = timed_get(client, path)
                if response.get("X-Page-Cache") != "hit":
                    rendered[kind_of(path)].append(elapsed)
            total = sum(sum(times) for times in rendered.values())
            parts = ", ".join(f"{kind} {len(times)} ({sum(times):.0f} ms)"
                              for kind, times in sorted(rendered.items()))
            print(f"{write}: re-rendered {parts or 'nothing'}; {total:.0f} ms in all")
    finally:
        writer.clean_up()


if __name__ == "__main__":
    main()
