"""python manage.py export_articles [--output FILE] — every article as JSON Lines."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.wire.exporting import export_lines
from articles.wire.media import MediaCopier


class Command(BaseCommand):
    help = (
        "Write every article, with its tags and corrections, as JSON Lines (one article "
        "a line) to standard output or --output FILE. import_articles reads it back."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")
        parser.add_argument(
            "--media", metavar="DIR",
            help="Copy each article's image file into DIR, at the path its line gives "
            "(import_articles --media DIR restores them).")

    def handle(self, *args, **options):
        output = options["output"]
        media = None
        if options["media"]:
            try:
                Path(options["media"]).mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise CommandError(f"{options['media']}: cannot write: {error.strerror}") \
                    from error
            media = MediaCopier(options["media"])
        count = 0
        try:
            handle = open(output, "w", encoding="utf-8") if output else None
        except OSError as error:
            raise CommandError(f"{output}: cannot write: {error.strerror}") from error
        # OutputWrapper adds no line end with ending=""; the lines carry their own.
        write = handle.write if handle else lambda line: self.stdout.write(line, ending="")
        try:
            for line in export_lines(media=media):
                write(line)
                count += 1
        finally:
            if handle:
                handle.close()
        if media is not None:
            self.stderr.write(f"copied {len(media.copied)} image files to {options['media']}")
        if output:
            self.stdout.write(f"exported {count} articles to {output}")
        else:
            self.stderr.write(f"exported {count} articles")
