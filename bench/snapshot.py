"""Every public page's bytes, for checking that a refactoring changed none of them.

    .venv/bin/python bench/snapshot.py OUT.json [--articles 2000]
    .venv/bin/python bench/snapshot.py --compare BEFORE.json AFTER.json

Builds a throwaway SQLite database at a fixed moment (the demo newsroom and a seeded
archive, both deterministic), fetches every kind of public page, feed and sitemap with
Django's test client, and writes each URL's status, size and SHA-256. Run it before and
after a change and compare: any difference is listed by URL.
"""

import argparse
import hashlib
import json
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MOMENT = datetime(2026, 11, 30, 9, 30, tzinfo=UTC)


def configure(database):
    os.environ.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings", DATABASE_URL=f"sqlite:///{database}",
        SECRET_KEY="snapshot-only", SECURE_SSL_REDIRECT="0", STATIC_UNHASHED="1",
        CACHE_DIR=str(Path(database).parent / "cache"), REQUIRE_2FA_FOR="",
        ALLOWED_HOSTS="testserver", NEWSROOM_ENV_FILE="",
    )
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("DEBUG", None)
    sys.path.insert(0, str(REPO))
    import django

    django.setup()


def build(articles):
    from django.core.management import call_command

    from bench.management.commands.seed_bench import Command as SeedBench

    call_command("migrate", verbosity=0)
    call_command("setup_demo", force=True, stdout=open(os.devnull, "w"))
    call_command(SeedBench(), articles=articles, seed=7, until="2026-11-29",
                 stdout=open(os.devnull, "w"))


def urls():
    """A URL of every kind of public page, feed and sitemap (deep pages included)."""
    from django.db.models import Count

    from articles.models import TAXONOMIES, Article

    found = ["/", "/feed/", "/feeds/latest/", "/robots.txt", "/sitemap.xml",
             "/sitemap.xml?p=2", "/sitemap-index.xml", "/news-sitemap.xml", "/archive/",
             "/countries/", "/ministers/", "/policies/", "/search/?q=trade",
             "/search/?q=India+Russia&country=india", "/search/feed/?q=trade",
             "/search/?q=%22talks%22&from=2026-01-01", "/no-such-page/"]
    published = Article.objects.published().newest_first()
    for article in list(published[:40]) + list(published[::97]):
        found.append(article.get_absolute_url())
    withdrawn = Article.objects.withdrawn().first()
    if withdrawn is not None:
        found.append(withdrawn.get_absolute_url())
    for taxonomy in TAXONOMIES.values():
        tags = taxonomy.model.objects.annotate(n=Count("tagged_items")).filter(n__gt=0)
        for tag in [*tags.order_by("-n", "name")[:4], *tags.order_by("name")[:2]]:
            url = tag.get_absolute_url()
            found += [url, f"{url}?page=2", f"{url}?page=8", f"{url}feed/"]
    found += ["/countries/india/russia/", "/countries/india/russia/?page=3",
              "/countries/india/russia/feed/", "/countries/russia/india/"]
    for year in (2019, 2024, 2026):
        found += [f"/archive/{year}/", f"/archive/{year}/feed/", f"/archive/{year}/11/",
                  f"/archive/{year}/11/feed/"]
    found += ["/?page=2", "/countries/india/?page=250", "/countries/india/?page=251"]
    return found


def snapshot(out, articles):
    import time_machine

    with tempfile.TemporaryDirectory() as folder, \
            time_machine.travel(MOMENT, tick=False):
        configure(Path(folder) / "snapshot.sqlite3")
        build(articles)
        from django.core.cache import cache
        from django.test import Client

        client = Client()
        pages = {}
        for url in urls():
            cache.clear()
            response = client.get(url)
            content = response.content
            pages[url] = {"status": response.status_code, "bytes": len(content),
                          "sha256": hashlib.sha256(content).hexdigest()}
    Path(out).write_text(json.dumps(pages, indent=1, sort_keys=True))
    print(f"{len(pages)} pages written to {out}")


def compare(before, after):
    old, new = (json.loads(Path(path).read_text()) for path in (before, after))
    changed = sorted(url for url in old.keys() | new.keys() if old.get(url) != new.get(url))
    for url in changed:
        print(f"{url}: {old.get(url)} -> {new.get(url)}")
    print(f"{len(old)} pages before, {len(new)} after, {len(changed)} differ")
    return 1 if changed else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--compare", action="store_true")
    parser.add_argument("--articles", type=int, default=2000)
    args = parser.parse_args()
    if args.compare:
        raise SystemExit(compare(*args.paths))
    snapshot(args.paths[0], args.articles)


if __name__ == "__main__":
    main()
