"""python manage.py load_vocabulary FILE.json — create or update the vocabulary."""

from django.core.management.base import BaseCommand, CommandError

from articles.tagging.vocabulary import (
    VocabularyError,
    load_vocabulary,
    read_vocabulary_file,
    vocabulary_warnings,
)


class Command(BaseCommand):
    help = (
        "Create or update country aliases, ministers and policies from a vocabulary JSON "
        "file. The whole file is checked first; on any error nothing is changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Vocabulary JSON file (see DESIGN.md).")

    def handle(self, *args, **options):
        path = options["file"]
        try:
            data = read_vocabulary_file(path)
            summary = load_vocabulary(data=data)
        except VocabularyError as error:
            lines = [f"{path}: {message}" if not message.startswith(path) else message
                     for message in error.errors]
            raise CommandError(
                f"vocabulary not loaded, nothing changed ({len(lines)} error(s)):\n"
                + "\n".join(lines)
            ) from error
        for warning in vocabulary_warnings(data) + summary.warnings:
            self.stderr.write(f"{path}: {warning}")
        self.stdout.write(f"Loaded {path}: {summary}")
