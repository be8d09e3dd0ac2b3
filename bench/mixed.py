"""A busy newsroom's mixed load (docs/PERFORMANCE.md, "Mixed load"): readers at full load
while an editor writes.

Readers (wrk with ``bench/mixed.lua``) ask for a path drawn from a weighted list: half
the requests go to listings (the home page, the most covered tag pages, feeds, searches
for the commonest words), each listing address as likely as the others, and half to
articles drawn Zipf (s = 1.2) from the newest. Meanwhile a writer makes one public write
a second through the editorial services (a headline edit, the publication of a prepared
draft, a correction, in turn) and saves a draft once a second; after each public write
commits, a checker fetches the changed article and its first tag's page until they show
the change (staleness). The harness (bench/run.py) measures the app alone and then
Varnish in front, each without and with the writer.

The writer also runs as a process of its own (``python bench/mixed.py writer ...``), so
that it has the settings of an app server with an edge (``EDGE_PURGE_URLS``, background
tasks run where they are queued).
"""

import argparse
import json
import os
import random
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from bench import proxies  # noqa: E402 - also runs as a script
from bench import run as harness  # noqa: E402

SCRIPT = REPO / "bench" / "mixed.lua"
ZIPF_S = 1.2
NEWEST = 5_000  # readers' articles are drawn from the newest this many
TAGS = 200  # the most covered tag pages, across the three taxonomies
FEED_TAGS = 20  # the feeds of the most covered tags (and the latest feed)
WORDS = 20  # searches for the commonest words of the newest articles' bodies
WORD_SAMPLE = 1_000
# What the desk edits and corrects: one of today's stories (the newest this many, all on
# the home page and on the first page of each of their tags).
DESK_STORIES = 20
# A page that has not shown a write this long after its commit is counted as never.
GIVE_UP_SECONDS = 5.0
PUBLIC_WRITES = ("edit", "publish", "correct")


# -- the readers' mix (Django set up on the database to read) -------------------------


def reader_mix(*, newest=NEWEST, tags=TAGS, feed_tags=FEED_TAGS, words=WORDS):
    """[(share of the requests, path)]: listings, then articles, half the requests each."""
    from django.urls import reverse
    from django.utils.encoding import iri_to_uri

    from articles.models import Article

    covered = most_covered_tags(tags)
    listings = [reverse("articles:home"), reverse("articles:latest-feed")]
    listings += [iri_to_uri(tag.get_absolute_url()) for _key, tag in covered]
    listings += [
        iri_to_uri(reverse(f"articles:{key}-feed", kwargs={"slug": tag.slug}))
        for key, tag in covered[:feed_tags]
    ]
    search = reverse("articles:search")
    listings += [f"{search}?q={word}" for word in commonest_words(words)]
    articles = [
        iri_to_uri(article.get_absolute_url())
        for article in Article.objects.published().newest_first()
        .only("slug", "published_at")[:newest]
    ]
    ranks = [rank ** -ZIPF_S for rank in range(1, len(articles) + 1)]
    return ([(0.5 / len(listings), path) for path in listings]
            + [(0.5 * weight / sum(ranks), path)
               for weight, path in zip(ranks, articles, strict=True)])


def most_covered_tags(count):
    """[(taxonomy key, tag)]: the ``count`` tags with the most public articles, across
    the three taxonomies, most covered first."""
    from django.db.models import Count

    from articles.models import TAXONOMIES, Article

    live = Article.objects.published().values("pk")
    ranked = []
    for taxonomy in TAXONOMIES.values():
        rows = list(taxonomy.through.objects.filter(content_object__in=live)
                    .values("tag_id").annotate(n=Count("pk")).order_by("-n")[:count])
        tags = taxonomy.model.objects.in_bulk([row["tag_id"] for row in rows])
        ranked += [(-row["n"], taxonomy.key, row["tag_id"], tags[row["tag_id"]])
                   for row in rows]
    return [(key, tag) for _n, key, _pk, tag in sorted(ranked, key=lambda item: item[:3])
            ][:count]


def commonest_words(count, sample=WORD_SAMPLE):
    """The commonest words of the newest articles' bodies that search looks for (not
    the words PostgreSQL's English configuration ignores)."""
    from django.db import connection

    from articles.models import Article

    counts = Counter()
    bodies = Article.objects.published().newest_first().values_list("body", flat=True)
    for body in bodies[:sample]:
        counts.update(re.findall(r"[a-z]{3,}", re.sub(r"<[^>]+>", " ", body).lower()))
    candidates = [word for word, _n in counts.most_common(count * 4)]
    if connection.vendor != "postgresql":
        return candidates[:count]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word FROM unnest(%s::text[]) WITH ORDINALITY AS t(word, n) "
            "WHERE to_tsvector('english', word) <> ''::tsvector ORDER BY n",
            [candidates],
        )
        return [row[0] for row in cursor.fetchall()][:count]


def write_mix(mix, path):
    """The mix as bench/mixed.lua reads it: cumulative weight and path, a line each."""
    total, lines = 0.0, []
    for weight, url in mix:
        total += weight
        lines.append(f"{total:.12g} {url}")
    Path(path).write_text("\n".join(lines) + "\n")
    return path


def describe(mix):
    """What the mix is made of: article addresses are those of the form /yyyy/mm/dd/slug/."""
    articles = [weight for weight, path in mix if re.fullmatch(r"/\d{4}/\d\d/\d\d/[^/]+/", path)]
    return {
        "addresses": len(mix),
        "listing addresses": len(mix) - len(articles),
        "articles": len(articles),
        "share of requests for the newest article": round(max(articles, default=0), 4),
        "share for the newest 20 articles": round(sum(sorted(articles)[-20:]), 4),
    }


# -- load -------------------------------------------------------------------------------


def load(base_url, mix_file, seconds, *, writer=None, connections=16):
    """wrk for ``seconds`` on the mix (and ``writer()`` meanwhile): its figures."""
    command = [*harness.wrk_command(base_url + "/", seconds, connections, script=SCRIPT),
               "--", str(mix_file)]
    wrk = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        writes = writer() if writer else None
    finally:
        output = wrk.communicate()[0]
    figures = parse(output)
    if writes is not None:
        figures["writes"] = writes
    return figures


def parse(output):
    figures = harness.parse_wrk(output)
    counts = dict(
        (name, int(value)) for name, value in
        re.findall(r"(\w+)=(\d+)", re.search(r"Mixed counts: (.*)", output).group(1))
    )
    # coalesced: served the copy another worker rendered meanwhile (counted apart from
    # the hits: it waited for a render).
    page = {name: counts[f"page_{name}"]
            for name in ("hit", "miss", "stale", "degraded", "coalesced")}
    edge = {name: counts[f"edge_{name}"] for name in ("hit", "miss")}
    figures.update(
        statuses={f"{n}xx": counts[f"s{n}xx"] for n in range(2, 6)},
        page_cache=page,
        page_hit_ratio=ratio(page["hit"], sum(page.values())),
        p50_ms=counts["p50_us"] / 1000, p99_ms=counts["p99_us"] / 1000,
        max_ms=counts["max_us"] / 1000,
        errors=(counts["s5xx"] + figures["connect_errors"] + figures["read_errors"]
                + figures["timeouts"]),
    )
    if sum(edge.values()):
        figures.update(edge_cache=edge, edge_hit_ratio=ratio(edge["hit"], sum(edge.values())))
    return figures


def ratio(part, whole):
    return round(part / whole, 4) if whole else None


# -- the writer (Django set up on the served database and cache) ------------------------


class Writer:
    """One public write a second and one draft save a second, for ``seconds``, by
    ``by`` (an editor); each public write's pages are fetched from ``base_url`` after
    its commit until they show it."""

    def __init__(self, *, base_url, by, seconds, seed=1):
        self.base_url = base_url.rstrip("/")
        self.by = by
        self.seconds = seconds
        self.random = random.Random(seed)
        self.run_id = secrets.token_hex(3)
        self.drafts, self.published, self.corrections = [], [], []
        self.headlines = {}  # id: the headline before this run's edits
        self.scratch = None
        self.last_schedule = None  # background tasks scheduled before the run

    def prepare(self):
        """The drafts to publish (tagged with the most covered countries) and the one
        whose saves readers never see."""
        from django.db.models import Max
        from django.urls import reverse
        from django_q.models import Schedule

        from articles.editorial import services
        from articles.models import Country

        # Django loads the URLconf (the API's schemas and all) on the first reverse():
        # here, not between the first write's commit and its checker's first fetch,
        # where it cost 1.2-1.5 s on the loaded bench (a server has it loaded before
        # its first request).
        reverse("articles:home")
        self.last_schedule = Schedule.objects.aggregate(last=Max("pk"))["last"] or 0
        countries = [tag for key, tag in most_covered_tags(TAGS) if key == "country"][:5]
        countries = countries or list(Country.objects.order_by("pk")[:1])
        for n in range(self.seconds // len(PUBLIC_WRITES) + 1):
            draft = self._draft(f"Mixed run {self.run_id} story {n}")
            services.article_save(article=draft, by=self.by)
            draft.countries.set([countries[n % len(countries)]])
            self.drafts.append(draft)
        self.scratch = self._draft(f"Mixed run {self.run_id} draft")
        services.article_save(article=self.scratch, by=self.by)

    def _draft(self, headline):
        from django.utils.text import slugify

        from articles.models import Article

        return Article(headline=headline, slug=slugify(headline), status=Article.Status.DRAFT,
                       standfirst="Written during the mixed benchmark run.",
                       body="<p>A story the benchmark's writer publishes.</p>")

    def run(self):
        """Write for ``seconds``: the records of every write."""
        from django.db import close_old_connections

        public, drafts = [], []
        started = time.monotonic()
        for n in range(self.seconds):
            pause = started + n - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            # As at the start of each request: a connection a database restart broke is
            # replaced.
            close_old_connections()
            public.append(self.public_write(PUBLIC_WRITES[n % len(PUBLIC_WRITES)], n))
            drafts.append(self.draft_save(n))
        return summary(public, drafts)

    def public_write(self, kind, n):
        marker = f"mixed {self.run_id} {kind} {n}"
        record = {"kind": kind, "marker": marker}
        try:
            article, pages, began = getattr(self, kind)(marker)
        except Exception as error:  # noqa: BLE001 - the bench counts failed saves
            record["error"] = f"{type(error).__name__}: {error}"
            return record
        committed, returned = began["committed"], time.monotonic()
        record.update(article=article.pk, save_ms=ms(returned - began["at"]),
                      after_commit_ms=ms(returned - committed),
                      pages=self.watch(pages, committed))
        return record

    def edit(self, marker):
        from articles.editorial import services

        article = self.desk_story()
        original = self.headlines.setdefault(article.pk, article.headline)
        article.headline = f"{original[:150]} ({marker})"
        began = committed(lambda: services.article_save(article=article, by=self.by))
        return article, [(article, marker), (first_tag_path(article), marker)], began

    def publish(self, marker):
        from articles.editorial import services

        draft = self.drafts.pop(0)
        began = committed(lambda: services.article_publish(article=draft, by=self.by))
        self.published.append(draft)
        # The headline is unique to the run: the marker is what pages show of it.
        return draft, [(draft, draft.headline), (first_tag_path(draft), draft.headline)], began

    def correct(self, marker):
        from articles.models import Correction

        article = self.desk_story()
        note = f"An earlier version of this story gave a wrong figure ({marker})."

        def write():
            self.corrections.append(Correction.objects.create(article=article, note=note))

        # A correction shows on the article's page only.
        return article, [(article, note)], committed(write)

    def desk_story(self):
        from articles.models import Article

        newest = list(Article.objects.published().newest_first()
                      .values_list("pk", flat=True)[:DESK_STORIES])
        return Article.objects.get(pk=self.random.choice(newest))

    def draft_save(self, n):
        """Save the scratch draft: readers see nothing, so nothing may change for them."""
        from django.core.cache import cache

        from articles.caching import state
        from articles.editorial import services

        watched = [state.STATE_KEY, state.SEQUENCE_KEY]
        before = cache.get_many(watched)
        self.scratch.body = f"<p>Draft text, take {n}.</p>"
        began = time.monotonic()
        try:
            services.article_save(article=self.scratch, by=self.by)
        except Exception as error:  # noqa: BLE001
            return {"error": f"{type(error).__name__}: {error}"}
        return {"save_ms": ms(time.monotonic() - began),
                "changed_cache_state": cache.get_many(watched) != before}

    def watch(self, pages, committed_at):
        """Fetch each page, all at once, until it shows its text (see ``watch_page``)."""
        pages = [(path if isinstance(path, str) else path.get_absolute_url(), text)
                 for path, text in pages if path]
        with ThreadPoolExecutor(len(pages)) as pool:
            return list(pool.map(lambda page: self.watch_page(*page, committed_at), pages))

    def watch_page(self, path, text, committed_at):
        """The time from the commit to the start of the first fetch of ``path`` that
        showed ``text`` (None: not within GIVE_UP_SECONDS), what served that fetch (the
        edge's or the app's cache), and the fetches before it: those that returned the
        old page, and those that failed (an error status, no answer)."""
        old, failed = 0, Counter()
        while time.monotonic() < committed_at + GIVE_UP_SECONDS:
            began = time.monotonic()
            status, headers, body = self.fetch(path)
            if status == 200 and text in body:
                return {"path": path, "staleness_ms": ms(began - committed_at),
                        "answered_ms": ms(time.monotonic() - committed_at),
                        "served_by_cache": headers.get("X-Edge-Cache")
                        or headers.get("X-Page-Cache"),
                        "old_page_fetches": old, "failed_fetches": dict(failed)}
            if status == 200:
                old += 1
            else:
                failed[str(status)] += 1
            time.sleep(0.01)
        return {"path": path, "staleness_ms": None, "answered_ms": None,
                "served_by_cache": None, "old_page_fetches": old,
                "failed_fetches": dict(failed)}

    def fetch(self, path):
        try:
            with urllib.request.urlopen(self.base_url + path, timeout=GIVE_UP_SECONDS) as answer:
                return answer.status, answer.headers, answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, ""
        except OSError:
            return None, {}, ""

    def clean_up(self):
        """Leave the database as it was: headlines back, this run's stories and
        corrections deleted (each write invalidates what it changes, as any would), and
        the retries of purges that failed (a dead edge node) dropped."""
        from django_q.models import Schedule
        from reversion.models import Version

        from articles.editorial import services
        from articles.models import Article

        for correction in self.corrections:
            correction.delete()
        for pk, headline in self.headlines.items():
            article = Article.objects.get(pk=pk)
            if article.pk not in {draft.pk for draft in self.published}:
                article.headline = headline
                services.article_save(article=article, by=self.by)
        made = [*self.published, *self.drafts, self.scratch]
        for article in made:
            Version.objects.get_for_object_reference(Article, article.pk).delete()
            article.delete()
        Schedule.objects.filter(pk__gt=self.last_schedule,
                                func="articles.caching.edges.purge_now").delete()


def committed(write):
    """Run ``write`` in a transaction: when it began and when it committed (monotonic),
    the commit taken before any cache hears of it (on-commit hooks run in order)."""
    from django.db import transaction

    moments = {"at": time.monotonic()}
    with transaction.atomic():
        transaction.on_commit(lambda: moments.setdefault("committed", time.monotonic()))
        write()
    return moments


def first_tag_path(article):
    """The page of the article's first tag (countries, then ministers, then policies,
    each by slug): it lists the article on its first page when the article is among
    the newest."""
    from django.utils.encoding import iri_to_uri

    from articles.models import TAXONOMIES

    for taxonomy in TAXONOMIES.values():
        tag = getattr(article, taxonomy.plural).order_by("slug").first()
        if tag is not None:
            return iri_to_uri(tag.get_absolute_url())
    return None


def ms(seconds):
    return round(seconds * 1000, 1)


def percentile(values, share):
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def summary(public, drafts):
    """What the bench reports of the writes, and every record."""
    pages = [page for write in public for page in write.get("pages", ())]
    staleness = [page["staleness_ms"] for page in pages if page["staleness_ms"] is not None]
    saves = [write["save_ms"] for write in public if "save_ms" in write]
    draft_saves = [save["save_ms"] for save in drafts if "save_ms" in save]
    return {
        "public writes": len(public),
        "by kind": dict(Counter(write["kind"] for write in public)),
        "failed writes": sum("error" in write for write in [*public, *drafts]),
        "failed writes by error": dict(Counter(
            write["error"].split(":")[0] for write in [*public, *drafts] if "error" in write)),
        "pages checked": len(pages),
        "pages never fresh": len(pages) - len(staleness),
        "fetches of the old page after the write returned": sum(
            page["old_page_fetches"] for page in pages),
        "failed fetches after the write returned": sum(
            sum(page["failed_fetches"].values()) for page in pages),
        "staleness max ms": max(staleness, default=None),
        "staleness p99 ms": percentile(staleness, 0.99),
        "staleness p50 ms": percentile(staleness, 0.5),
        "public save p50 ms": percentile(saves, 0.5),
        "public save max ms": max(saves, default=None),
        "draft saves": len(drafts),
        "draft saves that changed the cache state": sum(
            save.get("changed_cache_state", False) for save in drafts),
        "draft save p50 ms": percentile(draft_saves, 0.5),
        "draft save max ms": max(draft_saves, default=None),
        "records": {"public": public, "drafts": drafts},
    }


# -- the harness's part (bench/run.py --mixed) --------------------------------------------


class WriterProcess:
    """The writer in a process of its own with ``env`` (the served database and cache,
    the edge nodes to purge), pinned beside the app: started and prepared here,
    ``write()`` runs it, ``finish()`` cleans up after it."""

    def __init__(self, env, base_url, seconds):
        self.out = Path(tempfile.mkstemp(prefix="newsroom-writer-", suffix=".json")[1])
        self.process = subprocess.Popen(
            ["taskset", "-c", "1", harness.PYTHON, str(Path(__file__)), "writer",
             "--base-url", base_url, "--seconds", str(seconds), "--out", str(self.out)],
            env=env, cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        self.expect("ready")

    def expect(self, word):
        """Wait for the writer to say ``word`` (other output passes through)."""
        for line in self.process.stdout:
            if line.strip() == word:
                return
            print(line, end="", flush=True)
        raise SystemExit(f"the writer exited before saying {word!r}")

    def say(self, word):
        self.process.stdin.write(word + "\n")
        self.process.stdin.flush()

    def write(self):
        self.say("go")
        self.expect("done")
        return json.loads(self.out.read_text())

    def finish(self):
        if self.process.poll() is None:
            self.say("clean")
            self.process.wait(timeout=120)
        self.out.unlink(missing_ok=True)


def writer_env(database, edge_urls=()):
    """The served app's settings (same database, Redis and cache key prefix), with the
    edge nodes to purge and background tasks run where they are queued."""
    return {**harness.app_env(database), "NEWSROOM_TASKS_SYNC": "1",
            "EDGE_PURGE_URLS": ",".join(edge_urls)}


def phase(base_url, mix, mix_file, warmup, seconds, env, *, prime=False):
    """A warm-up, the readers alone, then the readers and the writer; ``prime``: every
    address of the mix read once before the warm-up."""
    out = {}
    if prime:
        out["primed"] = read_each_once(base_url, [path for _weight, path in mix])
    harness.log(f"mixed: {base_url}: {warmup} s warm-up")
    load(base_url, mix_file, warmup)
    baseline = load(base_url, mix_file, seconds)
    harness.log(f"mixed: readers alone {headline(baseline)}")
    with_writes = with_writer(base_url, mix_file, seconds, env)
    return {**out, "readers alone": baseline, "readers and writer": with_writes}


def read_each_once(base_url, paths, connections=4):
    """Fetch every path once (a site in production has had its newest stories read all
    day): how long it took and the statuses."""
    def fetch(path):
        try:
            with urllib.request.urlopen(base_url + path, timeout=30) as answer:
                answer.read()
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            return None

    started = time.monotonic()
    with ThreadPoolExecutor(connections) as pool:
        statuses = Counter(str(status) for status in pool.map(fetch, paths))
    seconds = round(time.monotonic() - started, 1)
    harness.log(f"mixed: {base_url}: read each of {len(paths)} addresses once in "
                f"{seconds} s ({dict(statuses)})")
    return {"addresses": len(paths), "seconds": seconds, "statuses": dict(statuses)}


def with_writer(base_url, mix_file, seconds, env, fault=None):
    """Readers and the writer for ``seconds``; ``fault``: (what, do, undo), done a third
    of the way in and undone 8 s later."""
    writer = WriterProcess(env, base_url, seconds)
    timers = []
    if fault:
        _what, do, undo = fault
        timers = [threading.Timer(seconds / 3, do), threading.Timer(seconds / 3 + 8, undo)]
    try:
        for timer in timers:
            timer.start()
        figures = load(base_url, mix_file, seconds, writer=writer.write)
    finally:
        for timer in timers:
            timer.join()
        writer.finish()
    writes = figures["writes"]
    harness.log(f"mixed: with the writer {headline(figures)}; staleness max "
                f"{writes['staleness max ms']} ms, failed writes {writes['failed writes']}")
    return figures


def headline(figures):
    hits = figures.get("edge_hit_ratio", figures["page_hit_ratio"])
    return (f"{figures['rps']} req/s, p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} "
            f"ms, hit ratio {hits}, errors {figures['errors']}")


def measure(args, database):
    """The mixed run on the harness's database: the app alone, Varnish in front, and
    nginx's static-file rate under the same load as the ceiling (docs/PERFORMANCE.md)."""
    warmup, seconds = (2, 6) if args.quick else (args.mixed_warmup, args.mixed_seconds)
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-mixed-"))
    mix = reader_mix()
    mix_file = write_mix(mix, workdir / "mix.txt")
    prime = args.mixed_prime
    workers = args.mixed_workers
    out = {"articles": args.articles, "mix": describe(mix),
           "settings": {"warmup": warmup, "seconds": seconds, "connections": 16,
                        "zipf_s": ZIPF_S, "newest": NEWEST, "tags": TAGS, "words": WORDS,
                        "primed": prime, "workers": workers},
           "load_average_at_start": os.getloadavg()}
    server = harness.Server(harness.app_env(database), workers=workers)
    try:
        app = f"http://127.0.0.1:{server.port}"
        out["app"] = phase(app, mix, mix_file, warmup, seconds, writer_env(database),
                           prime=prime)
        if args.mixed_app_only:
            harness.log("mixed: the app alone, as asked: no edge runs")
        elif shutil.which("varnishd"):
            out.update(through_varnish(args, server, mix, mix_file, warmup, seconds,
                                       database))
        else:
            harness.log("mixed: varnishd is not installed: no edge runs")
        if not args.mixed_app_only:
            out["nginx static file"] = static_ceiling(server, workdir, seconds)
        out["memory"] = server.worker_memory()
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    out["load_average_at_end"] = os.getloadavg()
    out["targets"] = targets(out)
    for name, held in out["targets"].items():
        harness.log(f"mixed target {name}: {held}")
    return out


def through_varnish(args, server, mix, mix_file, warmup, seconds, database):
    varnish = proxies.Varnish(port=harness.free_port(), upstream_port=server.port,
                              prefix=("taskset", "-c", "1"))
    try:
        # The health probe needs two good answers before misses are fetched.
        harness.wait_for(lambda: harness.fetch_status(varnish.url + "/healthz") == 200,
                         "Varnish")
        out = {"varnish": phase(varnish.url, mix, mix_file, warmup, seconds,
                                writer_env(database, [varnish.url]),
                                prime=args.mixed_prime)}
        out["varnish"]["counters"] = edge_counters(varnish)
        if args.faults:
            out.update(edge_faults(varnish, mix_file, seconds, database))
        return out
    finally:
        varnish.stop()


def edge_faults(varnish, mix_file, seconds, database):
    """Through Varnish with the writer, each with a fault: a second edge node that does
    not answer (its purges fail and are retried later), Redis stopped for 8 s, the
    PostgreSQL cluster restarted."""
    dead = f"http://127.0.0.1:{harness.free_port()}"
    runs = {
        "varnish, a dead edge node": ([varnish.url, dead], None),
        "varnish, Redis stopped for 8 s": (
            [varnish.url], ("Redis", harness.stop_redis, harness.start_redis)),
        "varnish, PostgreSQL restarted": (
            [varnish.url], ("PostgreSQL", harness.restart_postgres, lambda: None)),
    }
    out = {}
    for name, (edges, fault) in runs.items():
        harness.log(f"mixed: {name}")
        out[name] = with_writer(varnish.url, mix_file, seconds,
                                writer_env(database, edges), fault)
        out[name]["counters"] = edge_counters(varnish)
    return out


# Varnish's counters that tell why a reader got an error from the edge (cumulative).
EDGE_COUNTERS = ("MAIN.backend_unhealthy", "MAIN.backend_fail", "MAIN.fetch_failed",
                 "MAIN.backend_busy", "MAIN.sess_drop")


def edge_counters(varnish):
    command = ["varnishstat", "-n", str(varnish.dir / "work"), "-1"]
    for name in EDGE_COUNTERS:
        command += ["-f", name]
    output = subprocess.run(command, capture_output=True, text=True).stdout
    return {line.split()[0]: int(line.split()[1]) for line in output.splitlines()
            if line.split()[:1] and line.split()[0] in EDGE_COUNTERS}


def static_ceiling(server, workdir, seconds):
    """nginx's rate for a static file under the same wrk, script and connections."""
    static = next((REPO / "staticfiles").rglob("*.css"), None)
    if static is None:
        return None
    proxy = harness.Nginx(server.port)
    try:
        path = "/static/" + str(static.relative_to(REPO / "staticfiles"))
        figures = load(f"http://127.0.0.1:{proxy.port}",
                       write_mix([(1, path)], workdir / "static.txt"), seconds)
        figures["bytes"] = static.stat().st_size
        harness.log(f"mixed: nginx static file {figures['rps']} req/s")
        return figures
    finally:
        proxy.stop()


def targets(out):
    """Each target of the issue: held (True), missed (False) or not measured (None). The
    figures' targets hold for the runs without faults; the fault runs have their own."""
    app, alone = out["app"]["readers and writer"], out["app"]["readers alone"]
    edge = out.get("varnish", {}).get("readers and writer")
    runs = [run for run in (app, edge) if run]
    staleness = [run["writes"]["staleness max ms"] for run in runs]
    static = out.get("nginx static file")
    held = {
        "page-cache hit ratio >= 95 %": app["page_hit_ratio"] >= 0.95,
        "throughput with the writer within 20 % of readers alone":
            app["rps"] >= 0.8 * alone["rps"],
        "p99 < 50 ms on the app alone": app["p99_ms"] < 50,
        "no page stale > 1 s after the commit": all(
            value is not None and value <= 1000 for value in staleness)
        and not any(run["writes"]["pages never fresh"] for run in runs),
        "0 errors (readers and writes)": not any(
            run.get("errors") or run.get("writes", {}).get("failed writes")
            for name in ("app", "varnish") for run in out.get(name, {}).values()
            if isinstance(run, dict)),
        "draft saves change nothing": not any(
            run["writes"]["draft saves that changed the cache state"] for run in runs),
        "Varnish >= 0.5 x nginx static": (edge["rps"] >= 0.5 * static["rps"]
                                          if edge and static else None),
    }
    faults = {name: run for name, run in out.items() if name.startswith("varnish, ")}
    if faults:
        held["faults: no save failed because of the cache (dead edge node, Redis down)"] = (
            not any(run["writes"]["failed writes"] for name, run in faults.items()
                    if "PostgreSQL" not in name))
        held["faults: no 5xx from the edge"] = not any(
            run["statuses"]["5xx"] for run in faults.values())
    return held


# -- the writer as a process of its own ---------------------------------------------------


def writer_main(arguments):
    """Prepare, say "ready"; on "go" write, save the records, say "done"; on "clean"
    clean up."""
    parser = argparse.ArgumentParser(prog="bench/mixed.py writer")
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--seconds", type=int, required=True)
    parser.add_argument("--out", required=True)
    options = parser.parse_args(arguments)
    import django

    django.setup()
    from django.contrib.auth.models import User

    editor, _ = User.objects.get_or_create(
        username="bench-writer", defaults={"is_staff": True, "is_superuser": True})
    writer = Writer(base_url=options.base_url, by=editor, seconds=options.seconds)
    writer.prepare()
    try:
        print("ready", flush=True)
        if sys.stdin.readline().strip() != "go":
            return
        Path(options.out).write_text(json.dumps(writer.run(), indent=1))
        print("done", flush=True)
        sys.stdin.readline()  # "clean", or the harness has gone: clean up either way
    finally:
        writer.clean_up()


if __name__ == "__main__":
    if sys.argv[1:2] != ["writer"]:
        raise SystemExit("usage: bench/mixed.py writer --base-url URL --seconds N --out FILE "
                         "(the harness runs it: bash bench/run.sh --mixed)")
    writer_main(sys.argv[2:])
