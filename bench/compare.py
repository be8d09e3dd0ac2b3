"""Newsroom before and after: this checkout against another, same machine, same run.

`python bench/compare.py --other DIR` (DIR: a checkout of an earlier commit, with a
virtualenv at DIR/.venv; `git worktree add --detach DIR <commit>`). Each side runs its own
code against a database of its own in the harness's cluster (`newsroom_compare_before_<N>`
and `newsroom_compare_after_<N>`), migrated and seeded by its own `seed_bench` with the same
options. The pages are picked from each side's data as bench/run.py picks them; a page
only this checkout has (the author page, the corrections page) is measured on this side
only, as information. Both sides are served at once (gunicorn as in bench/run.py, each
pinned to CPU 1, one of them loaded at a time), and each page's runs alternate between
them (before, after, after, before, …) so a drift of the shared machine hits both alike.
Cold is the page cache off (data caches on), warm the page cache on. Prints the table
and writes bench/results/compare-<N>.json (a mode measured again replaces its figures).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from bench import run  # noqa: E402 - the harness runs as a script

# Its own Redis database: emptying the data caches to count a page's queries leaves the
# harness's (database 0) alone.
REDIS_DB = 2
PAGES = ("home", "article", "country", "minister", "policy", "bilateral", "archive month",
         "search common", "latest feed", "sitemap", "author", "corrections")

# Run by each side's own Python in its own checkout: its pages and their queries, as JSON.
PICK = r"""
import json, sys
from bench import run
run.setup_django(sys.argv[1])
pages = run.pick_pages()
try:  # pages this side may not have
    from django.db.models import Count, Q
    from django.urls import reverse
    from articles.models import Article, Author
    live = Q(articles__in=Article.objects.published())
    pages["author"] = (Author.objects.annotate(n=Count("articles", filter=live))
                       .order_by("-n").first().get_absolute_url())
    pages["corrections"] = reverse("articles:corrections")
except Exception:
    pass
wanted = json.loads(sys.argv[2])
pages = {name: url for name, url in pages.items() if name in wanted}
info = run.count_queries(pages, None)
print(json.dumps({name: {"url": pages[name], "bytes": page["bytes"],
                         "queries_empty_caches": page["queries_empty_caches"],
                         "queries": page["queries"],
                         "ms_empty_caches": page["ms_empty_caches"]}
                  for name, page in info.items()}))
"""


@dataclass(frozen=True)
class Side:
    label: str  # "before" or "after"
    repo: Path
    database: str

    @property
    def python(self):
        return self.repo / ".venv" / "bin" / "python"

    def env(self, page_cache=True):
        env = run.app_env(self.database, page_cache=page_cache, repo=self.repo)
        env["REDIS_URL"] = f"redis://127.0.0.1:{run.REDIS_PORT}/{REDIS_DB}"
        return env

    def manage(self, *arguments, env=None):
        run.run([str(self.python), str(self.repo / "manage.py"), *arguments],
                env=env or self.env(), cwd=self.repo)


def prepare(side, articles):
    """Migrate and seed the side's database with its own code, as bench/run.py does."""
    exists = run.psql(f"SELECT 1 FROM pg_database WHERE datname = '{side.database}'") == "1"
    if not exists:
        run.psql(f"CREATE DATABASE {side.database}")
    side.manage("migrate", "--noinput", "-v0")
    count = run.psql("SELECT count(*) FROM articles_article WHERE fingerprint LIKE 'bench:%'",
                     side.database)
    if count != str(articles):
        run.log(f"{side.label}: seeding {articles} articles")
        side.manage("seed_bench", "--articles", str(articles), "--seed", "1", "--replace",
                    env={**side.env(), "DJANGO_SETTINGS_MODULE": "bench.settings"})
        run.psql("VACUUM (ANALYZE)", side.database)
    side.manage("collectstatic", "--noinput", "-v0")


def pick(side, wanted):
    output = run.run([str(side.python), "-c", PICK, side.database, json.dumps(wanted)],
                     env=side.env(page_cache=False), cwd=side.repo,
                     capture_output=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def measure_alternately(urls, args):
    """{label: figures}: a warm-up each, then the runs alternating between the sides."""
    for url in urls.values():
        run.wrk(url, args.warmup)
    runs = {label: [] for label in urls}
    for n in range(args.runs):
        order = list(urls) if n % 2 == 0 else list(reversed(urls))
        for label in order:
            runs[label].append(run.wrk(urls[label], args.duration))
    return {label: {"rps": round(statistics.median(r["rps"] for r in found), 1),
                    "runs": [r["rps"] for r in found],
                    "non_2xx": sum(r["non_2xx"] for r in found),
                    "timeouts": sum(r["timeouts"] for r in found)}
            for label, found in runs.items()}


def template_floor(side, size, args):
    floor = run.Server(side.env() | {"DJANGO_SETTINGS_MODULE": "bench.floor_settings"},
                       ready_path=f"/floor/bytes/{size}/", repo=side.repo,
                       python=side.python)
    try:
        return {kind: run.measure(f"http://127.0.0.1:{floor.port}/floor/{kind}/{size}/",
                                  args)["rps"]
                for kind in ("bytes", "template")}
    finally:
        floor.stop()


def measure_mode(mode, sides, pages, args):
    """One mode (cold or warm): floors, then every page on both sides."""
    result = {"load_average_at_start": os.getloadavg()}
    result["floors"] = template_floor(sides["after"], pages["after"]["home"]["bytes"], args)
    run.log(f"{mode}: floors at the home page's size {result['floors']}")
    servers = {label: run.Server(side.env(page_cache=mode == "warm"), repo=side.repo,
                                 python=side.python)
               for label, side in sides.items()}
    result["pages"] = {}
    try:
        for name in pages["after"]:
            urls = {label: f"http://127.0.0.1:{servers[label].port}{pages[label][name]['url']}"
                    for label in sides if name in pages[label]}
            for label, url in urls.items():
                status = run.fetch_status(url)
                if status != 200:
                    run.log(f"WARNING: {label} {mode} {name} answers {status}")
            figures = measure_alternately(urls, args)
            result["pages"][name] = figures
            run.log(f"{mode} {name:14} " + "  ".join(
                f"{label} {f['rps']:>8} req/s {f['runs']}" for label, f in figures.items()))
    finally:
        for server in servers.values():
            server.stop()
    result["load_average_at_end"] = os.getloadavg()
    return result


def change(before, after):
    return f"{(after / before - 1) * 100:+.0f} %" if before and after else ""


def report(result):
    floors = {mode: result[mode]["floors"] for mode in ("cold", "warm") if mode in result}
    run.log(f"\nBefore ({result['before_commit']}) and after ({result['after_commit']}), "
            f"{result['articles']} articles; floors (bytes, template req/s) {floors}")
    for mode in ("cold", "warm"):
        if mode in result:
            run.log(f"  {mode}: load average {result[mode]['load_average_at_start']} → "
                    f"{result[mode]['load_average_at_end']}")
    run.log(f"  {'page':14} {'cold before':>11} {'cold after':>10} {'change':>7} "
            f"{'warm before':>11} {'warm after':>10} {'change':>7}")
    for name in result["pages"]["after"]:
        row = []
        for mode in ("cold", "warm"):
            figures = result.get(mode, {}).get("pages", {}).get(name, {})
            before = figures.get("before", {}).get("rps")
            after = figures.get("after", {}).get("rps")
            row += [before or "–", after or "–", change(before, after)]
        run.log(f"  {name:14} {row[0]:>11} {row[1]:>10} {row[2]:>7} "
                f"{row[3]:>11} {row[4]:>10} {row[5]:>7}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--other", type=Path, required=True,
                        help="the checkout measured as 'before', with a .venv of its own")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--pages", default=",".join(PAGES),
                        help="comma-separated page names (bench/run.py's, and 'author', "
                        "'corrections')")
    parser.add_argument("--modes", default="cold,warm", help="cold, warm or both")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    run.ensure_tools()
    run.ensure_postgres()
    run.start_redis()
    sides = {
        "before": Side("before", args.other.resolve(),
                       f"newsroom_compare_before_{args.articles}"),
        "after": Side("after", REPO, f"newsroom_compare_after_{args.articles}"),
    }
    for side in sides.values():
        prepare(side, args.articles)
    wanted = [name.strip() for name in args.pages.split(",")]
    pages = {label: pick(side, wanted) for label, side in sides.items()}
    for name, page in pages["after"].items():
        before = pages["before"].get(name)
        run.log(f"{name:14} " + (f"before {before['url']} {before['bytes']} B "
                                 f"{before['queries_empty_caches']} queries, " if before
                                 else "") +
                f"after {page['url']} {page['bytes']} B {page['queries_empty_caches']} "
                f"queries")

    path = run.RESULTS / f"compare-{args.articles}.json"
    result = json.loads(path.read_text()) if path.exists() else {}
    result.update(articles=args.articles, pages=pages,
                  settings={"warmup": args.warmup, "duration": args.duration,
                            "runs": args.runs},
                  **{f"{label}_commit": subprocess.run(
                      ["git", "-C", str(side.repo), "rev-parse", "--short", "HEAD"],
                      capture_output=True, text=True, check=True).stdout.strip()
                     for label, side in sides.items()})
    for mode in args.modes.split(","):
        result[mode.strip()] = measure_mode(mode.strip(), sides, pages, args)
        run.RESULTS.mkdir(exist_ok=True)
        path.write_text(json.dumps(result, indent=2))
    report(result)
    run.log(f"written: {path.relative_to(REPO)}")


if __name__ == "__main__":
    main()
