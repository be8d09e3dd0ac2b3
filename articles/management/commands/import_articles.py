"""python manage.py import_articles [--publish] [--no-autotag] PATH... — wire files or exports."""

import time

from django.core.management.base import BaseCommand

from articles.tagging import get_vocabulary
from articles.wire.files import import_file, wire_files


class Command(BaseCommand):
    help = (
        "Import wire articles (*.txt) and JSON Lines exports (*.jsonl) from files or "
        "folders (searched recursively). Each file is imported whole or not at all; "
        "exits 1 if any file failed."
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
            "--quiet",
            action="store_true",
            help="Print only failures, a progress count every 500 files, and the summary.",
        )

    def handle(self, *args, **options):
        autotag = not options["no_autotag"]
        # One compiled vocabulary for the whole run: the tag tables only grow by what
        # this run creates, which the wire tagger does not need.
        vocabulary = get_vocabulary() if autotag else None
        totals = {"imported": 0, "skipped": 0, "failed": 0}
        started = time.monotonic()
        count = 0
        for count, path in enumerate(wire_files(options["paths"]), start=1):
            result = import_file(
                path, publish=options["publish"], autotag=autotag, vocabulary=vocabulary
            )
            totals["imported"] += result.imported
            totals["skipped"] += result.skipped
            if result.outcome == "failed":
                totals["failed"] += 1
                self.stderr.write(f"{path}: failed: {result.message}")
            elif not options["quiet"]:
                self.stdout.write(f"{path}: {result.message}")
            if options["quiet"] and count % 500 == 0:
                self.stdout.write(
                    f"... {count} files in {time.monotonic() - started:.0f}s "
                    f"(imported {totals['imported']}, skipped {totals['skipped']}, "
                    f"failed {totals['failed']})"
                )
        if count == 0:
            self.stderr.write("no *.txt or *.jsonl files in " + ", ".join(options["paths"]))
        summary = (
            f"imported {totals['imported']}, skipped {totals['skipped']}, "
            f"failed {totals['failed']}"
        )
        self.stdout.write(summary)
        if totals["failed"]:
            raise SystemExit(1)
