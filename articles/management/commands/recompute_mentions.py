"""python manage.py recompute_mentions — find every article's mentions again."""

import time

from django.core.management.base import BaseCommand

from articles.editorial.mentions import refresh_all_mentions
from articles.models import Article
from articles.platform.progress import ProgressLine, time_left


class Progress(ProgressLine):
    """Articles done of all, the rate and the time left."""

    def __init__(self, stream, *, total):
        super().__init__(stream)
        self.total, self.done = total, 0

    def __call__(self, articles):
        self.done += articles
        self.tick()

    def line(self):
        return (f"{self.done:,}/{self.total:,} articles, "
                f"{self.done / self.elapsed:,.0f} articles/s, "
                f"{time_left(self.elapsed, self.done, self.total)} left")


class Command(BaseCommand):
    help = (
        "Find every article's mentions again (after a vocabulary change, say; the "
        "background worker does it by itself when the vocabulary changes). Mentions an "
        "editor removed stay removed. 500 articles a transaction; on a terminal, a "
        "progress line on standard error gives the rate and the time left."
    )

    def handle(self, *args, **options):
        progress = None
        if options["verbosity"] > 0 and self.stderr.isatty():
            progress = Progress(self.stderr, total=Article.objects.count())
        started = time.monotonic()
        done = refresh_all_mentions(progress=progress)
        if progress:
            progress.end()
        seconds = time.monotonic() - started
        self.stdout.write(f"recomputed the mentions of {done:,} articles in {seconds:.1f} s")
