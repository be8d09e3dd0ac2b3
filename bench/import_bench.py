"""Benchmark of bulk import and restore: wire files in, an export out, the export restored.

    .venv/bin/python bench/import_bench.py [--files 10000] [--keep]
        [--server postgres://postgres@127.0.0.1:5432] [--name newsroom_importbench]
        [--redis redis://127.0.0.1:6379/9]

Writes N generated wire files (made-up copy about the demo vocabulary's countries,
ministers and policies, about 8.5 KB each, dates over the last ten years) to a temporary
folder, then, each step in a fresh PostgreSQL database of its own (`NAME_wire`,
`NAME_restore`, created and dropped by the script; `--keep` keeps them):

1. migrates and loads the demo vocabulary;
2. `import_articles --publish DIR` (auto-tagging on), timed: files/s;
3. `export_articles --output FILE` from that database, timed: articles/s;
4. `import_articles FILE.jsonl` into the second, empty database, timed: articles/s.

Each command runs as its own process; its peak resident memory is read from the kernel
when it ends (`wait4`). Prints the figures recorded in docs/PERFORMANCE.md ("Bulk
import and restore") and the databases' sizes.
"""

import argparse
import datetime
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VOCABULARY = REPO / "articles" / "demo" / "vocabulary.json"

COUNTRIES = ["India", "Russia", "China", "Japan", "France", "Germany", "Brazil", "Türkiye",
             "Britain", "Australia", "Iran", "Pakistan", "Egypt", "Kenya", "Indonesia",
             "Vietnam", "Mexico", "Canada", "Poland", "Ukraine", "Georgia", "Jordan"]
MINISTERS = ["S Jaishankar", "Sergey Lavrov", "Narendra Modi", "Rajnath Singh", "Piyush Goyal",
             "Hakan Fidan", "Antony Blinken", "David Lammy", "Annalena Baerbock", "Penny Wong",
             "Ayman Safadi", "Kaja Kallas", "Wang Yi", "Ishaq Dar", "Yoko Kamikawa"]
POLICIES = ["Make in India", "INSTC", "Belt and Road Initiative", "AUKUS",
            "Black Sea Grain Initiative", "Global Gateway", "Agnipath scheme",
            "Production Linked Incentive scheme", "Quadrilateral Security Dialogue"]
VERBS = ["discussed", "reviewed", "welcomed", "questioned", "backed", "criticised",
         "pressed for", "signed up to", "ruled out", "called for"]
TOPICS = ["port access", "grain exports", "a rail link", "defence production", "visa rules",
          "tariffs on steel", "a gas pipeline", "fishing rights", "a space agreement",
          "rare earth supplies", "naval exercises", "a currency swap", "debt relief"]
FILLER = ("officials said the talks would continue next month while both sides weighed the "
          "costs of delay and the pressure from exporters who have waited for clarity since "
          "the last round ended without a joint statement on the main points of dispute "
          "analysts in the capital noted that parliament must still approve any deal and "
          "that the opposition has raised concerns about the terms offered so far").split()


def sentence(rng, cast):
    """Filler words; one sentence in four names someone or something of the story's cast."""
    words = rng.choices(FILLER, k=rng.randint(12, 24))
    if rng.random() < 0.25:
        words.insert(rng.randrange(len(words)), rng.choice(cast))
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def wire_text(rng, number, today):
    """One wire file's text: a date line opening the first paragraph, then paragraphs.

    Each story has a cast of two or three countries, one or two ministers and at most
    one policy, so that it carries a handful of tags as real copy does.
    """
    date = today - datetime.timedelta(days=rng.randrange(3650))
    cast = (rng.sample(COUNTRIES, rng.randint(2, 3)) + rng.sample(MINISTERS, rng.randint(1, 2))
            + rng.sample(POLICIES, rng.randint(0, 1)))
    lead = (f"{cast[-1]} {rng.choice(VERBS)} {rng.choice(TOPICS)} with {cast[0]} on "
            f"{date:%A} in dispatch {number}.")
    paragraphs = [lead + " " + " ".join(sentence(rng, cast) for _ in range(3))]
    while sum(map(len, paragraphs)) < 8400:
        paragraphs.append(" ".join(sentence(rng, cast) for _ in range(rng.randint(3, 6))))
    return f"date {date.isoformat()} " + "\n\n".join(paragraphs) + "\n"


def write_wire_files(folder, count, *, seed=11):
    rng = random.Random(seed)
    today = datetime.date.today()
    for number in range(1, count + 1):
        (folder / f"{number:06d}.txt").write_text(wire_text(rng, number, today),
                                                  encoding="utf-8")


# A file cache of the bench's own: the imports' invalidations must not reach a server or a
# test run using the checkout's .cache/.
CACHE_DIR = tempfile.mkdtemp(prefix="import-bench-cache-")


REDIS = {"url": None}  # --redis: the shared cache the commands use (None: the file cache)


def run(args, database_url):
    """Run `manage.py args` against the database: (seconds, peak RSS in MB, stdout)."""
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "bench-only",
           "NEWSROOM_ENV_FILE": "", "PYTHONUNBUFFERED": "1", "CACHE_DIR": CACHE_DIR,
           # Keys of the bench's own, so a site or a test run on the same Redis is untouched.
           "CACHE_KEY_PREFIX": f"importbench-{os.getpid()}"}
    env.pop("REDIS_URL", None)
    if REDIS["url"]:
        env["REDIS_URL"] = REDIS["url"]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.monotonic()
        process = subprocess.Popen([sys.executable, "manage.py", *args], cwd=REPO, env=env,
                                   stdout=out, stderr=err, text=True)
        # wait4, not wait: the kernel's account of this one child, its peak memory too.
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode:
            sys.exit(f"manage.py {' '.join(args[:2])} failed ({process.returncode}):\n"
                     f"{err.read()[-3000:]}")
        return seconds, usage.ru_maxrss / 1024, out.read()


def psql(server, sql):
    subprocess.run(["psql", f"{server}/postgres", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
                   check=True, stdout=subprocess.DEVNULL)


def fresh_database(server, name):
    psql(server, f'DROP DATABASE IF EXISTS "{name}"')
    psql(server, f'CREATE DATABASE "{name}"')
    url = f"{server}/{name}"
    run(["migrate", "--noinput", "-v", "0"], url)
    run(["load_vocabulary", str(VOCABULARY)], url)
    return url


def database_size(url):
    return subprocess.run(
        ["psql", url, "-tAc", "SELECT pg_size_pretty(pg_database_size(current_database()))"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()


def last_line(text):
    return text.strip().splitlines()[-1] if text.strip() else ""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=10_000, help="Wire files (and articles).")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--name", default="newsroom_importbench", help="Database name prefix.")
    parser.add_argument("--keep", action="store_true", help="Keep the databases.")
    parser.add_argument("--redis", metavar="URL",
                        help="Redis for the shared cache, as in production (e.g. "
                             "redis://127.0.0.1:6379/9); by default a file cache of the "
                             "bench's own, as for a command on a machine without Redis.")
    options = parser.parse_args()
    REDIS["url"] = options.redis
    wire_db, restore_db = f"{options.name}_wire", f"{options.name}_restore"
    with tempfile.TemporaryDirectory(prefix="import-bench-") as folder:
        folder = Path(folder)
        wire = folder / "wire"
        wire.mkdir()
        started = time.monotonic()
        write_wire_files(wire, options.files)
        size = sum(f.stat().st_size for f in wire.iterdir()) / 1e6
        print(f"wrote {options.files} wire files, {size:.1f} MB, in "
              f"{time.monotonic() - started:.0f} s")

        url = fresh_database(options.server, wire_db)
        seconds, rss, out = run(["import_articles", "--publish", "-v", "0", str(wire)], url)
        print(f"wire import: {last_line(out)}; {seconds:.1f} s, "
              f"{options.files / seconds:.0f} files/s, peak RSS {rss:.0f} MB, "
              f"database {database_size(url)}")

        export = folder / "export.jsonl"
        seconds, rss, _out = run(["export_articles", "--output", str(export)], url)
        lines = sum(1 for _ in export.open(encoding="utf-8"))
        print(f"export: {lines} articles, {export.stat().st_size / 1e6:.1f} MB; "
              f"{seconds:.1f} s, {lines / seconds:.0f} articles/s, peak RSS {rss:.0f} MB")

        url = fresh_database(options.server, restore_db)
        seconds, rss, out = run(["import_articles", "-v", "0", str(export)], url)
        print(f"restore: {last_line(out)}; {seconds:.1f} s, {lines / seconds:.0f} "
              f"articles/s, peak RSS {rss:.0f} MB, database {database_size(url)}")
    shutil.rmtree(CACHE_DIR, ignore_errors=True)
    if not options.keep:
        for name in (wire_db, restore_db):
            psql(options.server, f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    main()
