"""Synthetic benchmark data: N articles over ten years, tagged the way real coverage is.

Everything is inserted in bulk (articles and the three through tables): PostgreSQL's
COPY on PostgreSQL, so a million articles take minutes, and bulk_create elsewhere. Both
bypass Article.save() and its sanitiser, so the generated body is plain ``<p>``
paragraphs of our own words: safe by construction. The same --seed (and --until date)
always gives the same data. On a terminal a progress line gives the rate and the time
left.
"""

import random
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime, timedelta
from datetime import time as dtime

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from articles.caching.invalidation import invalidate
from articles.editorial import images
from articles.models import (
    Article,
    ArticleAuthor,
    Author,
    Correction,
    Country,
    Image,
    Minister,
    Policy,
    TaggedCountry,
    TaggedMinister,
    TaggedPolicy,
)
from articles.platform.graphics import draw_map, draw_pattern
from articles.platform.progress import ProgressLine, time_left

FINGERPRINT_PREFIX = "bench:"
BATCH_SIZE = 2000
# Two connections COPY while this thread generates: the database's share of the work
# (the search-vector trigger, the indexes) is most of it.
INSERT_WORKERS = 2
# From this size on, the secondary indexes are built after the load (indexes_built_after).
REBUILD_INDEXES_FROM = 100_000
TABLES = (Article, ArticleAuthor, Correction, TaggedCountry, TaggedMinister, TaggedPolicy)
BENCH_AUTHORS = 80
MINISTERS = 500
POLICIES = 200
BODY_WORDS = 600
YEARS = 10
# A share of the articles (IMAGE_SHARE in 10) lead with one of a small pool of pictures,
# drawn once and reused, as a newsroom reuses its library.
IMAGE_POOL = 8
IMAGE_SHARE = 4
IMAGE_CREDIT = "Bench graphics"

FIRST_NAMES = (
    "Adaeze Aleksander Amara Anders Anjali Arash Beatriz Bilal Camila Chen Dario Dmitri "
    "Elif Emeka Esther Farid Fatima Gustavo Hana Hiroshi Ines Ivan Jae Joao Kalani Karim "
    "Katarzyna Kenji Lars Leila Lucia Mahmoud Malik Maria Mei Mikhail Nadia Nikos Olga "
    "Omar Paulo Priyanka Rahul Rania Ravi Rosa Sadia Samuel Sofia Sunil Tamar Thabo Tomas "
    "Valentina Vikram Wei Yara Yusuf Zanele Zofia"
).split()
LAST_NAMES = (
    "Abara Almeida Andersen Baptiste Bauer Castillo Chaudhry Costa Delacroix Demir Dlamini "
    "Eriksen Farouk Ferreira Gallagher Haddad Hakimi Ivanova Jansen Kamara Kapoor Kowalski "
    "Kuznetsov Laine Lindqvist Mansour Mbeki Moreau Nakamura Novak Nwosu Okafor Oliveira "
    "Park Petrov Quispe Rahman Reyes Rossi Sato Schneider Silva Sokolov Tanaka Teo Uddin "
    "Vargas Varga Weber Yilmaz Zhou"
).split()
OFFICES = (
    "Minister of Foreign Affairs", "Minister of Defence", "Minister of Trade",
    "Minister of Finance", "Minister of Energy", "Prime Minister", "Minister of Commerce",
    "Minister of External Affairs", "Minister of Economy", "Minister of the Interior",
)
POLICY_ADJECTIVES = (
    "Green", "Blue", "Digital", "Northern", "Southern", "Eastern", "Maritime", "Open",
    "Secure", "Clean", "Strategic", "Regional", "Coastal", "Continental", "Joint",
    "Sovereign", "Shared", "Inland", "Frontier", "Resilient",
)
POLICY_NOUNS = (
    "Corridor", "Compact", "Partnership", "Initiative", "Charter", "Accord", "Framework",
    "Programme", "Pact", "Agenda",
)
POLICY_TOPICS = (
    "Shipping", "Grain", "Energy", "Semiconductor", "Fisheries", "Rail", "Satellite",
    "Vaccine", "Steel", "Hydrogen", "Cable", "Border",
)
VERBS = (
    "signed", "discussed", "reviewed", "praised", "questioned", "extended", "delayed",
    "welcomed", "rejected", "proposed", "defended", "outlined", "criticised", "renewed",
)
NOUNS = (
    "agreement", "talks", "tariffs", "exports", "sanctions", "pipeline", "treaty",
    "delegation", "summit", "visa rules", "port access", "loan", "exercises", "investment",
    "supply chain", "currency swap", "ceasefire", "fleet", "quota", "railway",
)
FILLER = (
    "the officials said on the sidelines of the meeting that the two sides would continue "
    "their work on trade defence energy and shipping before the next round of talks in the "
    "capital where delegations from both governments are expected to review the schedule "
    "the budget the timetable for ratification and the concerns raised by parliament "
    "industry groups analysts and diplomats who have followed the negotiations closely "
    "since they began several years ago amid rising prices and changing alliances across "
    "the region"
).split()
# The countries a foreign desk covers most, first; the rest follow in ISO order.
MOST_COVERED = (
    "IN RU CN US GB FR DE JP PK UA IL IR TR SA AE AU CA BR ZA KR BD LK NP AF ID EG NG "
    "IT ES PL"
).split()
# A handful of words that occur in very few articles, for rare-word search benchmarks.
RARE_WORDS = ("quillwort", "zephyrine", "obsidianite", "marramgrass", "halcyonate")


def zipf_weights(count, exponent=1.1):
    """Weights for a Zipf-like skew: the first few items get most of the coverage."""
    return [1.0 / (rank ** exponent) for rank in range(1, count + 1)]


class Command(BaseCommand):
    help = "Insert N synthetic articles (bulk, deterministic) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, required=True, help="How many articles.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--until",
            help="Last publication date, YYYY-MM-DD (default: today). Ten years lead to it.",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete articles an earlier seed_bench run made before seeding.",
        )

    def handle(self, *args, **options):
        count = options["articles"]
        if count < 1:
            raise CommandError("--articles must be at least 1.")
        until = self.parse_until(options["until"])
        rng = random.Random(options["seed"])
        started = time.monotonic()
        existing = Article.objects.filter(fingerprint__startswith=FINGERPRINT_PREFIX)
        if existing.exists():
            if not options["replace"]:
                raise CommandError(
                    "Benchmark articles already exist; pass --replace to seed afresh."
                )
            self.delete_bench_articles(existing)
        with transaction.atomic():
            countries = sorted(
                Country.objects.order_by("code"),
                key=lambda c: MOST_COVERED.index(c.code) if c.code in MOST_COVERED else 99,
            )
            if not countries:
                raise CommandError("No countries: run migrate first.")
            ministers = self.seed_ministers(rng, countries)
            policies = self.seed_policies(rng)
            self.authors = self.seed_authors(rng)
        self.stdout.write(
            f"vocabulary: {len(countries)} countries, {len(ministers)} ministers, "
            f"{len(policies)} policies"
        )
        pool = self.image_pool()
        generator = ArticleGenerator(rng, countries, ministers, policies, until, count,
                                     images=pool)
        insert = self.copy_batch if connection.vendor == "postgresql" else self.insert_batch
        # Inside an outer transaction (tests) other connections could not see the
        # vocabulary: insert inline there.
        parallel = connection.vendor == "postgresql" and not connection.in_atomic_block
        progress = SeedProgress(self.stderr if sys.stderr.isatty() else None, count)
        rebuild = parallel and count >= REBUILD_INDEXES_FROM
        with indexes_built_after(TABLES, self.stdout) if rebuild else nullcontext(), \
                ThreadPoolExecutor(max_workers=INSERT_WORKERS if parallel else 1) as pool:
            pending = []
            for start in range(0, count, BATCH_SIZE):
                stop = min(count, start + BATCH_SIZE)
                batch = [generator.article(index) for index in range(start, stop)]
                if parallel:
                    pending.append(pool.submit(self.in_thread, insert, batch, generator))
                    while len(pending) > INSERT_WORKERS:
                        pending.pop(0).result()
                        progress.add(BATCH_SIZE)
                else:
                    insert(batch, generator)
                    progress.add(len(batch))
                if options["verbosity"] >= 2:
                    self.stdout.write(f"  {stop} articles generated")
            for future in pending:
                future.result()
        progress.add(count - progress.done)
        progress.end()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE articles_article")
                cursor.execute("ANALYZE articles_taggedcountry")
                cursor.execute("ANALYZE articles_taggedminister")
                cursor.execute("ANALYZE articles_taggedpolicy")
                cursor.execute("ANALYZE articles_articleauthor")
        invalidate({"everything"})  # bulk inserts send no signals
        self.stdout.write(
            f"seeded {count} articles in {time.monotonic() - started:.1f} s"
        )

    def image_pool(self):
        """The pictures bench articles lead with: drawn on the first run, then reused."""
        pool = list(Image.objects.filter(credit=IMAGE_CREDIT).order_by("id")[:IMAGE_POOL])
        for number in range(len(pool), IMAGE_POOL):
            draw = draw_map if number % 2 == 0 else draw_pattern
            data, alt_text = draw(f"bench-{number}")
            pool.append(images.image_save(
                image=Image(file=ContentFile(data, name=f"bench-{number}.jpg"),
                            alt_text=alt_text, credit=IMAGE_CREDIT),
                by=None, new_file=True))
        self.stdout.write(f"images: a pool of {len(pool)}")
        return pool

    @transaction.atomic
    def delete_bench_articles(self, existing):
        """Delete earlier benchmark articles in a few statements, not row by row.

        Delete signals would make Django fetch every row first; the
        rows that point at an article go first, then the articles, then one bump.
        """
        ids = existing.values("pk")
        for relation in Article._meta.related_objects:
            if relation.on_delete is not None and relation.related_model is not Article:
                related = relation.related_model._base_manager.filter(
                    **{f"{relation.field.name}__in": ids}
                )
                related._raw_delete(related.db)
        existing._raw_delete(existing.db)
        invalidate({"everything"})  # bulk inserts send no signals

    def parse_until(self, value):
        if not value:
            return datetime.now(UTC).date()
        try:
            return datetime.strptime(value, "%Y-%m-%d").date()
        except ValueError as error:
            raise CommandError(f"--until must be YYYY-MM-DD: {error}") from error

    def seed_authors(self, rng, count=BENCH_AUTHORS):
        """A pool of authors the articles' bylines share."""
        names = sorted({f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                        for _ in range(count)})
        return Author.objects.named(names)

    def byline_rows(self, articles):
        """(article id, author id, position) of each article's one author."""
        return [(article.pk, self.authors[article.pk % len(self.authors)].pk, 0)
                for article in articles]

    def seed_ministers(self, rng, countries):
        """~500 ministers, most of them in the countries that get most coverage.

        Generated in full from the seed whatever exists, so reruns draw the same stream.
        """
        weights = zipf_weights(len(countries), 0.8)
        generated = {}
        while len(generated) < MINISTERS:
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            if name in generated:
                continue
            generated[name] = Minister(
                name=name,
                slug=slugify(name),
                office=rng.choice(OFFICES),
                country=rng.choices(countries, weights)[0],
                aliases=[name.split()[-1]],
            )
        Minister.objects.bulk_create(generated.values(), ignore_conflicts=True)
        stored = Minister.objects.select_related("country").in_bulk(generated, field_name="name")
        return [stored[name] for name in generated]

    def seed_policies(self, rng):
        """~200 policies with made-up programme names."""
        generated = {}
        while len(generated) < POLICIES:
            name = (
                f"{rng.choice(POLICY_ADJECTIVES)} {rng.choice(POLICY_TOPICS)} "
                f"{rng.choice(POLICY_NOUNS)}"
            )
            if name in generated:
                continue
            generated[name] = Policy(
                name=name,
                slug=slugify(name),
                description=f"A programme on {name.split()[1].lower()} cooperation.",
                aliases=[],
            )
        Policy.objects.bulk_create(generated.values(), ignore_conflicts=True)
        stored = Policy.objects.in_bulk(generated, field_name="name")
        return [stored[name] for name in generated]

    def in_thread(self, insert, batch, generator):
        try:
            insert(batch, generator)
        finally:
            connection.close()

    @transaction.atomic
    def copy_batch(self, batch, generator):
        """One batch through PostgreSQL's COPY: ids reserved from the table's sequence in
        one query, then each table in one COPY (bulk_create's INSERTs at a million
        articles took longer than the 15 minutes the seed is allowed)."""
        articles = [article for article, _tags in batch]
        fields = [f for f in Article._meta.concrete_fields
                  if f.attname not in ("id", "search_vector")]
        now = timezone.now()
        # Each field's value as Django would save it, with the batch's time for the
        # auto_now fields (Field.pre_save per row was a fifth of this thread's time).
        values = [
            (lambda article: now) if getattr(f, "auto_now", False)
            or getattr(f, "auto_now_add", False)
            else (lambda article, f=f: f.get_db_prep_save(getattr(article, f.attname),
                                                           connection))
            for f in fields
        ]
        with connection.cursor() as cursor:
            # lz4 compresses the bodies several times faster than the default pglz.
            cursor.execute("SET default_toast_compression = 'lz4'")
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence('articles_article', 'id')) "
                "FROM generate_series(1, %s)", [len(articles)]
            )
            for article, (pk,) in zip(articles, cursor.fetchall(), strict=True):
                article.pk = pk
            copy_rows(cursor, Article, ["id", *(f.column for f in fields)], (
                [article.pk, *(value(article) for value in values)] for article in articles
            ))
            for model, rows in self.tag_rows(batch).items():
                copy_rows(cursor, model, ["content_object_id", "tag_id", "published_at"], rows)
            copy_rows(cursor, ArticleAuthor, ["article_id", "author_id", "position"],
                      self.byline_rows(articles))
            copy_rows(cursor, Correction, ["article_id", "kind", "note", "created_at"], (
                (c.article_id, c.kind, c.note, c.created_at)
                for c in self.corrections(articles, generator)
            ))

    @transaction.atomic
    def insert_batch(self, batch, generator):
        articles = [article for article, _tags in batch]
        Article.objects.bulk_create(articles, batch_size=500)
        if not articles[0].pk:
            # Backends that cannot return ids from a bulk insert: read them back.
            ids = dict(
                Article.objects.filter(
                    fingerprint__in=[a.fingerprint for a in articles]
                ).values_list("fingerprint", "id")
            )
            for article in articles:
                article.pk = article.id = ids[article.fingerprint]
        for model, rows in self.tag_rows(batch).items():
            model.objects.bulk_create(
                [model(content_object_id=article_id, tag_id=tag_id, published_at=published_at)
                 for article_id, tag_id, published_at in rows],
                batch_size=5000,
            )
        ArticleAuthor.objects.bulk_create(
            ArticleAuthor(article_id=article_id, author_id=author_id, position=position)
            for article_id, author_id, position in self.byline_rows(articles))
        Correction.objects.bulk_create(self.corrections(articles, generator))

    @staticmethod
    def tag_rows(batch):
        """(article id, tag id, publication time) of a batch of saved articles, per
        through model."""
        through = {TaggedCountry: [], TaggedMinister: [], TaggedPolicy: []}
        for article, article_tags in batch:
            for rows, tag_list in zip(through.values(), article_tags, strict=True):
                rows += [(article.pk, tag.pk, article.listed_at) for tag in tag_list]
        return through

    @staticmethod
    def corrections(articles, generator):
        return [
            Correction(
                article_id=article.pk,
                note="An earlier version of this article misstated the date of "
                "the next round of talks.",
                created_at=article.published_at + timedelta(hours=6),
            )
            for article in articles if generator.has_correction(article)
        ]


@contextmanager
def indexes_built_after(models, stdout):
    """Drop the models' tables' secondary indexes for a load, and build each once after it.

    Keeping twenty indexes current row by row was a quarter of the database's time per
    article (1.78 -> 1.30 ms, with lz4); building them at the end costs less. Primary
    keys and unique constraints stay, so a duplicate still fails the load. An
    interrupted load still gets its indexes back (``finally``).
    """
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)", [tables]
        )
        saved = cursor.fetchall()
        for name, _definition in saved:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    try:
        yield
    finally:
        started = time.monotonic()
        # Biggest first, on INSERT_WORKERS connections: CREATE INDEX takes a lock that
        # other index builds on the same table share.
        with ThreadPoolExecutor(max_workers=INSERT_WORKERS) as pool:
            for future in [pool.submit(build_index, definition) for _name, definition
                           in sorted(saved, key=lambda row: "USING gin" not in row[1])]:
                future.result()
        stdout.write(f"built {len(saved)} indexes in {time.monotonic() - started:.0f} s")


def build_index(definition):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '1GB'")
            cursor.execute(definition)
    finally:
        connection.close()


def copy_rows(cursor, model, columns, rows):
    """COPY rows (sequences of values in ``columns``' order) into the model's table."""
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    table = connection.ops.quote_name(model._meta.db_table)
    with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


class SeedProgress(ProgressLine):
    """Articles stored so far of how many, the rate, the time left; silent without a
    terminal (``stream`` None)."""

    def __init__(self, stream, total):
        super().__init__(stream)
        self.total, self.done = total, 0

    def add(self, articles):
        self.done += articles
        if self.stream is not None:
            self.tick()

    def end(self):
        if self.stream is not None:
            super().end()

    def line(self):
        return (f"{self.done:,}/{self.total:,} articles, "
                f"{self.done / self.elapsed:,.0f} articles/s, "
                f"{time_left(self.elapsed, self.done, self.total)} left")


class ArticleGenerator:
    """Builds article number i from a seeded random stream; no database access."""

    def __init__(self, rng, countries, ministers, policies, until, count, images=()):
        self.rng = rng
        self.images = list(images)
        self.countries = countries
        self.ministers = ministers
        self.policies = policies
        self.country_weights = self.cumulative(zipf_weights(len(countries)))
        self.minister_weights = self.cumulative(zipf_weights(len(ministers)))
        self.policy_weights = self.cumulative(zipf_weights(len(policies)))
        self.end = datetime.combine(until, dtime(0, 0), tzinfo=UTC)
        self.start = self.end - timedelta(days=365 * YEARS)
        self.span = (self.end - self.start).total_seconds()
        self.count = count
        self.sentences = [self.sentence() for _ in range(4000)]

    @staticmethod
    def cumulative(weights):
        total, out = 0.0, []
        for weight in weights:
            total += weight
            out.append(total)
        return out

    def pick(self, items, cum_weights, k):
        chosen = []
        for _ in range(k * 3):
            item = self.rng.choices(items, cum_weights=cum_weights)[0]
            if all(c.pk != item.pk for c in chosen):
                chosen.append(item)
            if len(chosen) == k:
                break
        return chosen

    def sentence(self):
        rng = self.rng
        words = rng.sample(FILLER, rng.randint(9, 16))
        words.insert(rng.randint(0, len(words)), rng.choice(NOUNS))
        words.insert(0, rng.choice(VERBS))
        words.insert(0, "Officials")
        return " ".join(words) + "."

    def body(self, names):
        rng = self.rng
        paragraphs, words = [], 0
        while words < BODY_WORDS:
            sentences = rng.sample(self.sentences, rng.randint(3, 5))
            if not paragraphs:
                sentences.insert(0, f"{names} met on Tuesday to discuss the {rng.choice(NOUNS)}.")
            if rng.random() < 0.002:
                sentences.append(f"The {rng.choice(RARE_WORDS)} question came up again.")
            text = " ".join(sentences)
            words += text.count(" ") + 1
            paragraphs.append(f"<p>{text}</p>")
        return "\n".join(paragraphs)

    def article(self, index):
        """Article number index and its (countries, ministers, policies)."""
        rng = self.rng
        total = rng.randint(3, 8)
        n_ministers = rng.randint(0, min(3, total - 1))
        n_policies = rng.randint(0, min(2, total - 1 - n_ministers))
        ministers = self.pick(self.ministers, self.minister_weights, n_ministers)
        policies = self.pick(self.policies, self.policy_weights, n_policies)
        room = max(1, total - len(ministers) - len(policies))
        countries = []
        # A minister's story is usually about the minister's country too.
        for country in [m.country for m in ministers if m.country is not None] + self.pick(
            self.countries, self.country_weights, room
        ):
            # By id: a minister's country is another object, and Model.__eq__ costs more.
            if len(countries) < room and all(c.pk != country.pk for c in countries):
                countries.append(country)
        lead = countries[0].name if countries else "Delegations"
        other = countries[1].name if len(countries) > 1 else "partners"
        noun = rng.choice(NOUNS)
        headline = f"{lead} and {other} {rng.choice(VERBS)} {noun}"
        published_at = self.start + timedelta(seconds=rng.random() * self.span)
        status = Article.Status.PUBLISHED
        roll = rng.random()
        if roll < 0.01:
            status = Article.Status.DRAFT
        elif roll < 0.015:
            status = Article.Status.REVIEW
        elif roll < 0.018:
            status = Article.Status.WITHDRAWN
        elif roll < 0.02:
            # Scheduled: published, with a time still to come.
            published_at = self.end + timedelta(days=1, hours=rng.randint(1, 240))
        if status in (Article.Status.DRAFT, Article.Status.REVIEW):
            published_at = None
        names = " and ".join(m.name for m in ministers) or f"Officials from {lead}"
        article = Article(
            headline=headline[:200],
            slug=f"{slugify(headline)[:180]}-{index + 1}",
            standfirst=f"{names} {rng.choice(VERBS)} the {noun} as talks on "
            f"{rng.choice(NOUNS)} continued.",
            body=self.body(names),
            dateline=(countries[0].name if countries else ""),
            status=status,
            published_at=published_at,
            fingerprint=f"{FINGERPRINT_PREFIX}{index + 1}",
        )
        # By the index, not the random stream: the rest of each article stays as it was.
        if self.images and index % 10 < IMAGE_SHARE:
            article.hero_image = self.images[index % len(self.images)]
        return article, (countries, ministers, policies)

    def has_correction(self, article):
        number = int(article.fingerprint.removeprefix(FINGERPRINT_PREFIX))
        return article.status == Article.Status.PUBLISHED and number % 97 == 0
