"""python manage.py import_articles [--publish] [--no-autotag] [--media DIR] PATH... — wire
files or exports."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.platform.progress import ProgressLine, time_left
from articles.tagging import get_vocabulary
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
        "Import wire articles (*.txt) and JSON Lines exports (*.jsonl) from files or "
        "folders (searched recursively). Each file is imported whole or not at all; "
        "exits 1 if any file failed. On a terminal, a progress line on standard error "
        "gives the rate and the time left."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="Files or folders.")
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
        autotag = not options["no_autotag"]
        quiet = options["quiet"] or options["verbosity"] == 0
        # One compiled vocabulary for the whole run: the tag tables only grow by what
        # this run creates, which the wire tagger does not need.
        vocabulary = get_vocabulary() if autotag else None
        paths = list(wire_files(options["paths"]))
        progress = None
        if options["verbosity"] > 0 and self.stderr.isatty():
            progress = Progress(self.stderr, files=len(paths), size=sum(_size(p) for p in paths))
        totals = {"imported": 0, "skipped": 0, "failed": 0}
        results = import_files(paths, publish=options["publish"], autotag=autotag,
                               vocabulary=vocabulary, progress=progress,
                               media=_media_folder(options["media"]))
        for result in results:
            totals["imported"] += result.imported
            totals["skipped"] += result.skipped
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
            self.stderr.write("no *.txt or *.jsonl files in " + ", ".join(options["paths"]))
        summary = (
            f"imported {totals['imported']}, skipped {totals['skipped']}, "
            f"failed {totals['failed']}"
        )
        self.stdout.write(summary)
        if totals["failed"]:
            raise SystemExit(1)


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
