"""python manage.py import_articles [--publish] [--no-autotag] [--media DIR] PATH... — wire
files or exports; or --watch DIR [--once]: a folder's files as they arrive."""

import signal
import threading
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.platform.progress import ProgressLine, time_left
from articles.tagging import get_vocabulary
from articles.wire import watching
from articles.wire.files import import_files, wire_files


class Progress(ProgressLine):
    """Files and articles so far, the rate, and an estimate of the time left from the
    bytes still to read."""

    def __init__(self, stream, *, files, size):
        super().__init__(stream)
        self.files, self.size = files, size
        self.done = {"files": 0, "articles": 0, "size": 0}

    def __call__(self, *, files, articles, size):
        self.done["files"] += files
        self.done["articles"] += articles
        self.done["size"] += size
        self.tick()

    def line(self):
        done = self.done
        left = time_left(self.elapsed, done["size"], self.size)
        return (f"{done['files']:,}/{self.files:,} files, {done['articles']:,} articles, "
                f"{done['articles'] / self.elapsed:,.0f} articles/s, "
                f"{done['size'] / max(self.size, 1):.0%} read, {left} left")


class Command(BaseCommand):
    help = (
        "Import wire articles (the seed's plain text, IPTC ninjs JSON, NewsML-G2 XML: "
        "read from the content) and JSON Lines exports (*.jsonl) from files or folders "
        "(searched recursively for *.txt, *.json, *.xml, *.jsonl). Each file is "
        "imported whole or not at all; exits 1 if any file failed. On a terminal, a "
        "progress line on standard error "
        "gives the rate and the time left."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="Files or folders.")
        parser.add_argument(
            "--watch", metavar="DIR",
            help="Import files as they arrive in DIR, moving each to DIR/done/ or "
            "DIR/failed/ (with a .error file saying why); runs until stopped (SIGTERM or "
            "Ctrl-C), finishing the file under way.",
        )
        parser.add_argument(
            "--once", action="store_true",
            help="With --watch: one pass over the folder, then stop.",
        )
        parser.add_argument(
            "--interval", type=float, default=2.0,
            help="With --watch: seconds between looks at the folder (default 2).",
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish wire articles at 12:00 on their date (a future date schedules "
            "them). Without it they arrive in review.",
        )
        parser.add_argument(
            "--no-autotag", action="store_true", help="Do not apply suggested tags."
        )
        parser.add_argument(
            "--media", metavar="DIR",
            help="The folder of an export's image files (export_articles --media DIR).",
        )
        parser.add_argument(
            "--quiet",
            action="store_true",
            help="Print only failures and the summary (as --verbosity 0 does).",
        )

    def handle(self, *args, **options):
        if options["watch"]:
            return self.watch(options)
        if not options["paths"]:
            raise CommandError("give files or folders to import, or --watch DIR")
        autotag = not options["no_autotag"]
        quiet = options["quiet"] or options["verbosity"] == 0
        # One compiled vocabulary for the whole run: the tag tables only grow by what
        # this run creates, which the wire tagger does not need.
        vocabulary = get_vocabulary() if autotag else None
        paths = list(wire_files(options["paths"]))
        progress = None
        if options["verbosity"] > 0 and self.stderr.isatty():
            progress = Progress(self.stderr, files=len(paths), size=sum(_size(p) for p in paths))
        totals = {"imported": 0, "updated": 0, "withdrawn": 0, "skipped": 0, "failed": 0}
        results = import_files(paths, publish=options["publish"], autotag=autotag,
                               vocabulary=vocabulary, progress=progress,
                               media=_media_folder(options["media"]))
        for result in results:
            totals["imported"] += result.imported
            totals["skipped"] += result.skipped
            totals["updated"] += result.updated
            totals["withdrawn"] += result.withdrawn
            failed = result.outcome == "failed"
            totals["failed"] += failed
            if progress and (failed or not quiet):
                progress.clear()
            if failed:
                self.stderr.write(f"{result.path}: failed: {result.message}")
            elif not quiet:
                self.stdout.write(f"{result.path}: {result.message}")
        if progress:
            progress.end()
        if not paths:
            self.stderr.write("no *.txt, *.jsonl, *.json or *.xml files in "
                              + ", ".join(options["paths"]))
        self.stdout.write(summary_line(totals))
        if totals["failed"]:
            raise SystemExit(1)


    def watch(self, options):
        """Import what arrives in the watched folder until stopped."""
        if not Path(options["watch"]).is_dir():
            raise CommandError(f"--watch {options['watch']}: not a folder")
        stop = threading.Event()
        for name in ("SIGTERM", "SIGINT"):
            signal.signal(getattr(signal, name), lambda *_: stop.set())
        totals = dict.fromkeys(("imported", "updated", "withdrawn", "skipped", "failed"), 0)

        def report(result, moved_to):
            for key in ("imported", "updated", "withdrawn", "skipped"):
                totals[key] += getattr(result, key)
            totals["failed"] += result.outcome == "failed"
            line = f"{result.path.name}: {result.message} -> {moved_to}"
            if result.outcome == "failed":
                self.stderr.write(f"{result.path.name}: failed: {result.message}")
            elif options["verbosity"] > 0 and not options["quiet"]:
                self.stdout.write(line)

        # The vocabulary is read afresh when it changes (get_vocabulary), as a watch
        # outlives edits to it.
        watching.watch(options["watch"], report=report, stop=stop, once=options["once"],
                       interval=options["interval"], publish=options["publish"],
                       autotag=not options["no_autotag"])
        self.stdout.write(summary_line(totals))


def summary_line(totals):
    """The run's summary (docs/FORMATS.md): wire updates and kills named when there were."""
    wire = (f"updated {totals['updated']}, withdrawn {totals['withdrawn']}, "
            if totals["updated"] or totals["withdrawn"] else "")
    return (f"imported {totals['imported']}, {wire}skipped {totals['skipped']}, "
            f"failed {totals['failed']}")


def _media_folder(value):
    if value is None:
        return None
    if not Path(value).is_dir():
        raise CommandError(f"--media {value}: not a folder")
    return value


def _size(path):
    try:
        return path.stat().st_size
    except OSError:
        return 0
