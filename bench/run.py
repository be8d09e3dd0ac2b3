"""Newsroom benchmark harness: one command, see docs/PERFORMANCE.md.

Seeds N articles into a PostgreSQL cluster of its own (port 5440) with a Redis of its own
(port 6390), so it can restart them for the fault runs without touching anything else,
then serves the site with gunicorn (2 sync workers, DEBUG off) pinned to CPU 1 and loads
it with wrk pinned to CPU 0: 1 thread, 16 connections, a warm-up, then 3 runs whose
median is reported. Every page is measured cold (page cache off) and warm, beside two
floors of the same size (pre-rendered bytes, and a template with no database) and nginx.
Then the mixed run (bench/mixed.py): readers on a mix of pages while an editor writes.
All traffic goes to 127.0.0.1.
"""

import argparse
import json
import math
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from bench import proxies  # noqa: E402 - the harness runs as a script

PYTHON = sys.executable
PG_VERSION = "15"
PG_CLUSTER = "newsroom_bench"
PG_PORT = 5440
REDIS_PORT = 6390
RESULTS = REPO / "bench" / "results"
POSTGRES_TUNING = {
    "random_page_cost": "1.1",
    "effective_cache_size": "4GB",
    "work_mem": "16MB",
    # Fewer checkpoints while seed_bench loads a million articles (see DEPLOY.md on
    # restores).
    "max_wal_size": "4GB",
}


def log(message):
    print(message, flush=True)


def run(command, env=None, check=True, **kwargs):
    return subprocess.run(command, env=env, check=check, text=True, **kwargs)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Services ------------------------------------------------------------------------


def ensure_tools():
    missing = [tool for tool in ("wrk", "nginx", "taskset") if not shutil.which(tool)]
    if missing:
        log(f"installing {', '.join(missing)}")
        run(["apt-get", "update", "-qq"])
        packages = {"wrk": "wrk", "nginx": "nginx-light", "taskset": "util-linux"}
        run(["apt-get", "install", "-y", "-qq", *[packages[m] for m in missing]],
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def ensure_postgres():
    """A cluster of the harness's own, trusted on localhost, so faults hit only it."""
    clusters = run(["pg_lsclusters", "--no-header"], capture_output=True).stdout
    if not any(line.split()[:2] == [PG_VERSION, PG_CLUSTER] for line in clusters.splitlines()):
        log(f"creating PostgreSQL cluster {PG_CLUSTER} on port {PG_PORT}")
        run(["pg_createcluster", PG_VERSION, PG_CLUSTER, "-p", str(PG_PORT),
             "-o", "shared_buffers=512MB", "-o", "max_connections=200",
             "-o", "synchronous_commit=off", "--", "-A", "trust"], capture_output=True)
    if run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", str(PG_PORT)], check=False).returncode:
        run(["pg_ctlcluster", PG_VERSION, PG_CLUSTER, "start"])
        wait_for(lambda: run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", str(PG_PORT)],
                             check=False).returncode == 0, "PostgreSQL")
    # The tuning docs/DEPLOY.md recommends for an SSD-backed server with RAM to spare.
    for name, value in POSTGRES_TUNING.items():
        psql(f"ALTER SYSTEM SET {name} = '{value}'")
    psql("SELECT pg_reload_conf()")


def restart_postgres():
    run(["pg_ctlcluster", PG_VERSION, PG_CLUSTER, "restart", "-m", "fast"])


def redis_alive():
    return run(["redis-cli", "-p", str(REDIS_PORT), "ping"], check=False,
               capture_output=True).stdout.strip() == "PONG"


def start_redis():
    if not redis_alive():
        run(["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1",
             "--daemonize", "yes", "--save", "", "--appendonly", "no",
             "--maxmemory", "512mb", "--maxmemory-policy", "allkeys-lru"],
            capture_output=True)
        wait_for(redis_alive, "Redis")


def stop_redis():
    run(["redis-cli", "-p", str(REDIS_PORT), "shutdown", "nosave"], check=False,
        capture_output=True)


def wait_for(predicate, what, timeout=60):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"{what} did not come up")
        time.sleep(0.2)


def psql(sql, database="postgres"):
    return run(["psql", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "-d",
                database, "-tAc", sql], capture_output=True).stdout.strip()


# The app ---------------------------------------------------------------------------


def app_env(database, page_cache=True, settings="newsroom.settings", repo=REPO):
    env = {
        key: value for key, value in os.environ.items()
        if key not in ("DEBUG", "DATABASE_REPLICA_URL")
    }
    env.update(
        DJANGO_SETTINGS_MODULE=settings,
        SECRET_KEY=os.environ.get("SECRET_KEY", "bench-only-secret-key-not-for-production"),
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{PG_PORT}/{database}",
        REDIS_URL=f"redis://127.0.0.1:{REDIS_PORT}/0",
        # One prefix per database: cached pages and data never cross databases.
        CACHE_KEY_PREFIX=database,
        SECURE_SSL_REDIRECT="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        NEWSROOM_PAGE_CACHE="1" if page_cache else "0",
        PYTHONPATH=str(repo),
        NEWSROOM_ENV_FILE="",  # the checkout's .env (DEBUG on) is not what is measured
    )
    return env


def manage(env, *arguments, **kwargs):
    return run([PYTHON, str(REPO / "manage.py"), *arguments], env=env, cwd=REPO, **kwargs)


def prepare_database(args):
    database = f"newsroom_bench_{args.articles}"
    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}'") == "1"
    if exists and args.reseed:
        psql(f"DROP DATABASE {database}")
        exists = False
    if not exists:
        psql(f"CREATE DATABASE {database}")
    env = app_env(database)
    manage(env, "migrate", "--noinput", "-v0")
    count = psql(
        "SELECT count(*) FROM articles_article WHERE fingerprint LIKE 'bench:%'", database
    )
    seconds = None
    if count != str(args.articles):
        log(f"seeding {args.articles} articles")
        started = time.monotonic()
        manage({**env, "DJANGO_SETTINGS_MODULE": "bench.settings"}, "seed_bench",
               "--articles", str(args.articles), "--seed", "1", "--replace")
        seconds = round(time.monotonic() - started, 1)
        log(f"seeded in {seconds} s")
        # What autovacuum does to a live database in time: the visibility map lets
        # index-only scans of the tag tables skip the heap.
        psql("VACUUM (ANALYZE)", database)
    manage(env, "collectstatic", "--noinput", "-v0")
    return database, seconds


class Server:
    """gunicorn, 2 sync workers, pinned to CPU 1; the code of ``repo`` (another
    checkout's, for bench/compare.py) run by ``python``."""

    def __init__(self, env, workers=2, cpu="1", ready_path="/robots.txt", repo=REPO,
                 python=PYTHON):
        self.port = free_port()
        self.ready_path = ready_path
        self.process = subprocess.Popen(
            ["taskset", "-c", cpu, str(python), "-m", "gunicorn", "newsroom.wsgi",
             "--workers", str(workers), "--bind", f"127.0.0.1:{self.port}",
             "--log-level", "warning", "--timeout", "60"],
            env=env, cwd=repo, start_new_session=True,
        )
        wait_for(self.ready, "gunicorn")

    def ready(self):
        if proxies.answers(f"http://127.0.0.1:{self.port}{self.ready_path}"):
            return True
        if self.process.poll() is not None:
            raise SystemExit("gunicorn exited")
        return False

    def worker_memory(self):
        """Peak and current resident memory (MB) of each worker."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        out = []
        for pid in children.read_text().split():
            status = Path(f"/proc/{pid}/status").read_text()
            fields = dict(
                line.split(":", 1) for line in status.splitlines() if ":" in line
            )
            out.append({
                "pid": int(pid),
                "peak_mb": round(int(fields["VmHWM"].split()[0]) / 1024, 1),
                "rss_mb": round(int(fields["VmRSS"].split()[0]) / 1024, 1),
            })
        return out

    def cpu_seconds(self):
        """CPU time (user and system) used so far by the server's master and workers."""
        master = self.process.pid
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        ticks = 0
        for pid in (master, *children):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:  # a worker replaced since the list was read
                continue
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


class Nginx(proxies.Nginx):
    """docs/nginx.conf in front of a gunicorn server, pinned to CPU 1 like the app."""

    def __init__(self, upstream_port):
        super().__init__(port=free_port(), upstream_port=upstream_port,
                         prefix=("taskset", "-c", "1"))


# wrk ----------------------------------------------------------------------------------


STATUS_SCRIPT = REPO / "bench" / "status_counts.lua"


def wrk_command(url, seconds, connections=16, headers=(), timeout="2s", script=None):
    command = ["taskset", "-c", "0", "wrk", "-t1", f"-c{connections}", f"-d{seconds}s",
               f"--timeout={timeout}"]
    if script:
        command += ["-s", str(script)]
    for header in headers:
        command += ["-H", header]
    return [*command, url]


def parse_wrk(output):
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    latency = re.search(r"Latency\s+([\d.]+\w+)", output)
    requests = re.search(r"(\d+) requests in", output)
    counts = re.search(r"Status counts: ok (\d+), stale (\d+), 500 (\d+), 503 (\d+), "
                       r"other (\d+)", output)
    if counts:
        statuses = dict(zip(("ok", "stale", "500", "503", "other"),
                            map(int, counts.groups()), strict=True))
    return {
        **({"statuses": statuses} if counts else {}),
        "rps": rate,
        "requests": int(requests.group(1)) if requests else 0,
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "connect_errors": int(errors.group(1)) if errors else 0,
        "read_errors": int(errors.group(2)) if errors else 0,
        "timeouts": int(errors.group(4)) if errors else 0,
        "latency": latency.group(1) if latency else "",
    }


def wrk(url, seconds, connections=16, headers=(), timeout="2s"):
    command = wrk_command(url, seconds, connections, headers, timeout)
    return parse_wrk(run(command, capture_output=True).stdout)


def measure(url, args, headers=()):
    """Warm-up, then the median of three runs."""
    wrk(url, args.warmup, headers=headers)
    return summarise([wrk(url, args.duration, headers=headers) for _ in range(args.runs)])


def measure_interleaved(targets, args, server):
    """``measure`` for several pages at once ({name: (url, headers)}): each warmed up,
    then each run measures every page in turn, the order reversed on every other run
    (a, b, b, a, …), so a drift of the shared machine hits them alike. Each run also
    gives the server's CPU time a request (``cpu_ms``), which other processes on the
    machine move far less than its rate."""
    for url, headers in targets.values():
        wrk(url, args.warmup, headers=headers)
    runs = {name: [] for name in targets}
    order = list(targets)
    for index in range(args.runs):
        for name in order if index % 2 == 0 else reversed(order):
            url, headers = targets[name]
            cpu = server.cpu_seconds()
            figures = wrk(url, args.duration, headers=headers)
            figures["cpu_ms"] = round(
                (server.cpu_seconds() - cpu) * 1000 / max(figures["requests"], 1), 3)
            runs[name].append(figures)
    out = {}
    for name, page_runs in runs.items():
        out[name] = summarise(page_runs)
        out[name]["cpu_ms"] = statistics.median(r["cpu_ms"] for r in page_runs)
        out[name]["cpu_ms_runs"] = [r["cpu_ms"] for r in page_runs]
    return out


def summarise(runs):
    return {
        "rps": round(statistics.median(r["rps"] for r in runs), 1),
        "runs": [r["rps"] for r in runs],
        "non_2xx": sum(r["non_2xx"] for r in runs),
        "timeouts": sum(r["timeouts"] for r in runs),
    }


# Pages, queries and EXPLAIN (in this process, against the same database) -------------


def setup_django(database):
    os.environ.update(app_env(database, page_cache=False))
    sys.path.insert(0, str(REPO))
    import django

    django.setup()


def pick_pages():
    """The URLs to measure: the most-covered tags, a recent article, searches."""
    from django.db.models import Count, Q

    from articles.models import Article, Country, Minister, Policy

    live = Q(articles__in=Article.objects.published())

    def top(model, n=1):
        return list(model.objects.annotate(n=Count("articles", filter=live)).order_by("-n")[:n])

    first, second = top(Country, 2)
    article = Article.objects.published().newest_first().first()
    middle = Article.objects.published().order_by("published_at")[
        Article.objects.published().count() // 2
    ].published_at
    q = urllib.parse.quote
    try:  # listings are bounded: measure page 500, or the deepest page there is
        from articles.public.pagination import MAX_LISTING_PAGES
    except ImportError:
        MAX_LISTING_PAGES = 500
    deepest = min(500, MAX_LISTING_PAGES)
    pages = {
        "home": "/",
        # The read API's list of 20 beside the listings it mirrors (docs/API.md).
        "api articles": "/api/v1/articles/?limit=20",
        "article": article.get_absolute_url(),
        "api article": f"/api/v1/articles/{article.pk}/",
        "country": first.get_absolute_url(),
        "api country": f"/api/v1/articles/?country={first.slug}&limit=20",
        "minister": top(Minister)[0].get_absolute_url(),
        "policy": top(Policy)[0].get_absolute_url(),
        "bilateral": f"/countries/{first.slug}/{second.slug}/",
        "archive month": f"/archive/{middle.year:04d}/{middle.month:02d}/",
        "search common": f"/search/?q={q('trade')}",
        "search rare": f"/search/?q={q('quillwort')}",
        "search phrase": f"/search/?q={q(chr(34) + 'discuss the pipeline' + chr(34))}",
        "latest feed": "/feeds/latest/",
        "sitemap": "/sitemap.xml",
        f"country page {deepest}": f"{first.get_absolute_url()}?page={deepest}",
    }
    return pages


def staff_session():
    """A superuser's session, past the second step as the admin requires."""
    from django.contrib.auth.models import User
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user, _ = User.objects.get_or_create(
        username="bench-editor", defaults={"is_staff": True, "is_superuser": True}
    )
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench",
                                                 defaults={"confirmed": True})
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client.cookies["sessionid"].value


def count_queries(pages, session):
    """Queries, status and bytes per page, rendered uncached with Django's test client."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from articles.caching import state

    out = {}
    for name, url in pages.items():
        client = Client(HTTP_HOST="127.0.0.1")
        if name == "admin list":
            client.cookies["sessionid"] = session
        first = client.get(url)  # fills per-process caches (vocabulary, templates)
        if first.status_code in (301, 302):
            # Measure the canonical address (e.g. a bilateral page's slug order).
            url = pages[name] = first["Location"]
        # First with every cache empty (as just after a write): all the page's queries.
        cache.clear()
        state.memory.clear()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as empty:
            client.get(url)
        empty_ms = (time.perf_counter() - started) * 1000
        # Then as the load runs: remembered counts and aggregates in the data caches.
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        out[name] = {
            "status": response.status_code,
            "bytes": len(response.content),
            "queries": len(queries.captured_queries),
            "queries_empty_caches": len(empty.captured_queries),
            # One render in this process just after a write (every cache empty).
            "ms_empty_caches": round(empty_ms, 1),
            "sql": [q["sql"] for q in empty.captured_queries],
        }
    return out


def explain(sql_by_page):
    """EXPLAIN ANALYZE of each page's queries (not the session/auth lookups)."""
    from django.db import connection

    plans = {}
    with connection.cursor() as cursor:
        for name, info in sql_by_page.items():
            plans[name] = []
            for sql in info["sql"]:
                if not sql.lstrip("( ").upper().startswith("SELECT") \
                        or "django_session" in sql or "auth_user" in sql:
                    continue
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS OFF, COSTS OFF) {sql}")
                plans[name].append({
                    "sql": sql,
                    "plan": "\n".join(row[0] for row in cursor.fetchall()),
                })
    return plans


# The run --------------------------------------------------------------------------


def ratio(value, floor):
    return round(value / floor, 2) if floor else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true",
                        help="5,000 articles, 1 s warm-up, 3 x 3 s runs: for iterating")
    parser.add_argument("--reseed", action="store_true", help="drop and reseed the database")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", help="comma-separated page names to measure (default all)")
    parser.add_argument("--interleave", action="store_true",
                        help="measure the pages' runs in turn (a, b, b, a, …) rather than "
                        "page after page: for comparing pages with each other")
    parser.add_argument("--faults", action="store_true",
                        help="also: 64 connections for 30 s, Redis stopped and PostgreSQL "
                        "restarted mid-run")
    parser.add_argument("--no-load", action="store_true",
                        help="seed, count queries and EXPLAIN only")
    parser.add_argument("--mixed", action="store_true",
                        help="only the mixed run: readers on a mix of pages while an editor "
                        "writes (bench/mixed.py; part of the full run)")
    parser.add_argument("--no-mixed", action="store_true",
                        help="skip the mixed run after the pages (the cost curve's runs)")
    parser.add_argument("--mixed-warmup", type=int, default=30)
    parser.add_argument("--mixed-seconds", type=int, default=60)
    parser.add_argument("--mixed-prime", action="store_true",
                        help="the mixed run's steady state: every address of the mix read "
                        "once before the warm-up, as a site's readers have read its newest "
                        "stories (default: from an empty cache, the tail cold)")
    parser.add_argument("--mixed-app-only", action="store_true",
                        help="the mixed run on the app alone: no Varnish, no nginx")
    parser.add_argument("--mixed-workers", type=int, default=2,
                        help="gunicorn sync workers for the mixed run (one core)")
    args = parser.parse_args()
    if args.quick:
        if args.articles == 100_000:
            args.articles = 5_000
        args.warmup, args.duration = 1, 3

    ensure_tools()
    ensure_postgres()
    start_redis()
    # Every run starts from an empty cache (warm figures warm up within the run).
    run(["redis-cli", "-p", str(REDIS_PORT), "flushall"], capture_output=True)
    database, seed_seconds = prepare_database(args)
    setup_django(database)
    if args.mixed:
        mixed_run(args, database)
        return
    pages = pick_pages()
    pages["admin list"] = "/admin/articles/article/?status=live"
    session = staff_session()
    if args.pages:
        wanted = {name.strip() for name in args.pages.split(",")}
        pages = {name: url for name, url in pages.items() if name in wanted}
    info = count_queries(pages, session)
    plans = explain(info)
    for name, page in info.items():
        log(f"{name:18} {pages[name]:60} {page['status']} {page['bytes']:>7} B "
            f"{page['queries']} queries ({page['queries_empty_caches']} with empty caches, "
            f"rendered in {page['ms_empty_caches']} ms)")
    result = {
        "articles": args.articles, "seed_seconds": seed_seconds, "pages": {},
        "load_average_at_start": os.getloadavg(),
        "settings": {"warmup": args.warmup, "duration": args.duration, "runs": args.runs},
    }
    if not args.no_load:
        result.update(load(args, database, pages, info, session))
        if args.faults:
            result["faults"] = faults(database, pages)
    for name, page in info.items():
        result["pages"].setdefault(name, {}).update(
            url=pages[name], status=page["status"], bytes=page["bytes"],
            queries=page["queries"], queries_empty_caches=page["queries_empty_caches"],
            ms_empty_caches=page["ms_empty_caches"],
        )
    result["load_average_at_end"] = os.getloadavg()
    report(result)
    RESULTS.mkdir(exist_ok=True)
    label = result_label(args)
    (RESULTS / f"{label}.json").write_text(json.dumps(result, indent=2))
    (RESULTS / f"{label}-explain.json").write_text(json.dumps(plans, indent=2))
    log(f"written: bench/results/{label}.json and {label}-explain.json")
    if not args.no_load and not args.pages and not args.no_mixed:
        mixed_run(args, database)


def result_label(args):
    return f"{args.articles}{'-quick' if args.quick else ''}"


def mixed_run(args, database):
    """Readers on a mix of pages while an editor writes: bench/results/<N>-mixed.json."""
    # Imported here: bench/mixed.py uses this module's helpers, and this one runs as a
    # script.
    from bench import mixed

    result = mixed.measure(args, database)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{result_label(args)}-mixed.json"
    path.write_text(json.dumps(result, indent=2))
    log(f"written: {path.relative_to(REPO)}")


def load(args, database, pages, info, session):
    out = {"pages": {}, "floors": {}, "floors_by_size": {}, "memory": {}}
    reference = info.get("home", next(iter(info.values())))["bytes"]
    # Floors at the home page's size, and again at the size of any public page more
    # than twice as big (the sitemap): each page is compared with the nearest.
    sizes = sorted({reference} | {
        page["bytes"] for name, page in info.items()
        if name != "admin list" and page["bytes"] > 2 * reference
    })

    floor = Server(
        app_env(database, settings="bench.floor_settings"),
        ready_path=f"/floor/bytes/{reference}/",
    )
    try:
        for size in sizes:
            for kind in ("bytes", "template"):
                url = f"http://127.0.0.1:{floor.port}/floor/{kind}/{size}/"
                figures = {"bytes": size, **measure(url, args)}
                out["floors_by_size"].setdefault(size, {})[kind] = figures
                log(f"floor {kind:9} {size} B: {figures['rps']} req/s")
    finally:
        floor.stop()
    out["floors"] = out["floors_by_size"][reference]

    def floors_for(size):
        return out["floors_by_size"][min(sizes, key=lambda s: abs(math.log(s / size)))]

    for mode, cached in (("cold", False), ("warm", True)):
        server = Server(app_env(database, page_cache=cached))
        try:
            targets = {}
            for name, url in pages.items():
                headers = ()
                if name == "admin list":
                    if cached:
                        continue
                    headers = (f"Cookie: sessionid={session}",)
                targets[name] = (f"http://127.0.0.1:{server.port}{url}", headers)
            measured = measure_interleaved(targets, args, server) if args.interleave else {}
            for name, (url, headers) in targets.items():
                status = fetch_status(url, headers)
                if status != 200:
                    log(f"WARNING: {mode} {name} answers {status}")
                figures = measured.get(name) or measure(url, args, headers)
                figures["status"] = status
                floors = floors_for(info[name]["bytes"])
                figures["vs_template_floor"] = ratio(figures["rps"], floors["template"]["rps"])
                figures["vs_bytes_floor"] = ratio(figures["rps"], floors["bytes"]["rps"])
                figures["floor_bytes"] = floors["bytes"]["bytes"]
                out["pages"].setdefault(name, {})[mode] = figures
                log(f"{mode} {name:18} {figures['rps']:>8} req/s  "
                    f"x{figures['vs_template_floor']} template floor  "
                    f"x{figures['vs_bytes_floor']} bytes floor  "
                    f"non-2xx {figures['non_2xx']} timeouts {figures['timeouts']}"
                    + (f"  {figures['cpu_ms']} ms CPU a request" if "cpu_ms" in figures else ""))
            out["memory"][mode] = server.worker_memory()
            if cached:
                out["nginx"] = through_nginx(server, args, pages)
        finally:
            server.stop()
    return out


def fetch_status(url, headers=()):
    request = urllib.request.Request(
        url, headers=dict(header.split(": ", 1) for header in headers)
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError as error:
        return f"failed: {error}"


def through_nginx(server, args, pages):
    """A warm page through docs/nginx.conf, and nginx's static-file rate as ceiling."""
    proxy = Nginx(server.port)
    try:
        static = next((REPO / "staticfiles").rglob("*.css"), None)
        results = {}
        page = pages.get("article", "/")
        # A new connection per request for both, as the static-file ceiling is usually
        # quoted; the proxy-cache status shows the page came from nginx's cache.
        url = f"http://127.0.0.1:{proxy.port}{page}"
        results["article via nginx"] = measure(url, args, ("Connection: close",))
        with urllib.request.urlopen(url, timeout=10) as response:
            results["article via nginx"]["x_proxy_cache"] = response.headers["X-Proxy-Cache"]
        if static:
            path = "/static/" + str(static.relative_to(REPO / "staticfiles"))
            results["static file"] = measure(
                f"http://127.0.0.1:{proxy.port}{path}", args, ("Connection: close",)
            )
            results["static file"]["bytes"] = static.stat().st_size
        for name, figures in results.items():
            log(f"nginx {name:18} {figures['rps']:>8} req/s")
        return results
    finally:
        proxy.stop()


def faults(database, pages):
    """64 connections for 30 s; Redis stopped mid-run; PostgreSQL restarted mid-run."""
    out = {}
    article = pages["article"]

    def during(server, action, restore, seconds=30, delay=8, outage=8, connections=16):
        """Load for `seconds`; `action` after `delay`, `restore` `outage` s later."""
        url = f"http://127.0.0.1:{server.port}{article}"
        proc = subprocess.Popen(wrk_command(url, seconds, connections, timeout="5s",
                                            script=STATUS_SCRIPT),
                                stdout=subprocess.PIPE, text=True)
        time.sleep(delay)
        action()
        time.sleep(outage)
        restore()
        figures = parse_wrk(proc.communicate()[0])
        figures["status_after"] = fetch_status(url)
        return figures

    warm = Server(app_env(database, page_cache=True))
    try:
        for name in ("home", "article"):
            url = f"http://127.0.0.1:{warm.port}{pages[name]}"
            out[f"64 connections, 30 s, {name} (warm)"] = wrk(url, 30, connections=64)
        out["Redis stopped for 8 s (warm article)"] = during(warm, stop_redis, start_redis)
        # Readers get the page's last good copy while the database restarts.
        out["PostgreSQL restarted, 64 connections (warm article)"] = during(
            warm, restart_postgres, lambda: None, outage=2, connections=64
        )
    finally:
        warm.stop()
        start_redis()
    cold = Server(app_env(database, page_cache=False))
    try:
        url = f"http://127.0.0.1:{cold.port}{article}"
        out["64 connections, 30 s, article (cold)"] = wrk(url, 30, connections=64)
        # With the page cache off there is no copy to serve: 503s, never 500s.
        out["PostgreSQL restarted, 64 connections (cold article)"] = during(
            cold, restart_postgres, lambda: None, outage=2, connections=64
        )
    finally:
        cold.stop()
    for name, figures in out.items():
        log(f"fault {name}: {json.dumps(figures)}")
    return out


def report(result):
    pages = result["pages"]
    log("")
    log(f"Newsroom bench, {result['articles']} articles "
        f"(seeded in {result['seed_seconds']} s)" if result["seed_seconds"] else
        f"Newsroom bench, {result['articles']} articles")
    for size, by_kind in result.get("floors_by_size", {}).items():
        for kind, figures in by_kind.items():
            log(f"  floor {kind}: {figures['rps']} req/s at {size} B")
    log(f"  {'page':18} {'q':>2} {'bytes':>7} {'cold':>8} {'/tpl':>5} {'warm':>8} {'/bytes':>6}")
    for name, page in pages.items():
        cold = page.get("cold", {}).get("rps", "")
        warm = page.get("warm", {}).get("rps", "")
        log(f"  {name:18} {page['queries']:>2} {page['bytes']:>7} {cold:>8} "
            f"{page.get('cold', {}).get('vs_template_floor', ''):>5} {warm:>8} "
            f"{page.get('warm', {}).get('vs_bytes_floor', ''):>6}")
    for mode, workers in result.get("memory", {}).items():
        log(f"  workers after {mode} run: "
            + ", ".join(f"{w['peak_mb']} MB peak / {w['rss_mb']} MB now" for w in workers))


if __name__ == "__main__":
    main()
