"""python manage.py export_articles [--output FILE] — every article as JSON Lines."""

from django.core.management.base import BaseCommand, CommandError

from articles.wire.exporting import export_lines


class Command(BaseCommand):
    help = (
        "Write every article, with its tags and corrections, as JSON Lines (one article "
        "a line) to standard output or --output FILE. import_articles reads it back."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")

    def handle(self, *args, **options):
        output = options["output"]
        count = 0
        try:
            handle = open(output, "w", encoding="utf-8") if output else None
        except OSError as error:
            raise CommandError(f"{output}: cannot write: {error.strerror}") from error
        # OutputWrapper adds no line end with ending=""; the lines carry their own.
        write = handle.write if handle else lambda line: self.stdout.write(line, ending="")
        try:
            for line in export_lines():
                write(line)
                count += 1
        finally:
            if handle:
                handle.close()
        if output:
            self.stdout.write(f"exported {count} articles to {output}")
        else:
            self.stderr.write(f"exported {count} articles")
