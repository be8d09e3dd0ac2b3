"""Reads for the public site that span articles and the three taxonomies.

Every read starts from ``Article.objects.published()``. Each function runs a fixed
number of queries whatever the number of articles or tags involved, so a page's
query count does not grow with its content.

About 400 lines on purpose: these reads share the card columns and the tag rows, and
keeping them together is what keeps every page's query count in one place to check.
"""

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import connections, router
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Value,
    prefetch_related_objects,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from articles.caching import dependencies
from articles.caching.state import remember
from articles.models import (
    TAXONOMIES,
    Article,
    Country,
    Image,
    RetiredAddress,
    TaggedCountry,
    TaggedMinister,
    public_mention_count,
    union_over_taxonomies,
)
from articles.platform.compiled import STAND_IN_ID, STAND_IN_MOMENT, Compiled
from articles.platform.dates import day_start

KIND_ORDER = {kind: i for i, kind in enumerate(TAXONOMIES)}
# The template of an article card in every listing.
CARD_TEMPLATE = "includes/article_card.html"
# The columns an article card shows (CARD_TEMPLATE), id and version first.
CARD_FIELDS = ("id", "version", "headline", "slug", "standfirst", "dateline", "published_at",
               "hero_image_id")
# The columns of its hero image a card's picture needs (includes/picture.html), read in
# the same query.
CARD_IMAGE_FIELDS = ("file", "alt_text", "caption", "credit", "focal_x", "focal_y", "width",
                     "height", "renditions", "usage_ends")
# Every column a card reads, in the order ReferencedCard takes them.
CARD_COLUMNS = (*CARD_FIELDS, *(f"hero_image__{name}" for name in CARD_IMAGE_FIELDS))
CARD_IMAGE_AT = CARD_COLUMNS.index("hero_image_id")

# "Often covered with" looks at this many of a tag's latest articles, so a tag with
# thirty thousand stories costs what one with three hundred does.
# A card names at most this many of its article's subjects, at most two of one kind.
CARD_SUBJECTS = 3
CARD_SUBJECTS_PER_KIND = 2

CO_OCCURRENCE_WINDOW = 300
# Related articles are scored among this many of the latest articles sharing a tag.
RELATED_CANDIDATES = 300
TRENDING_DAYS = 30


@dataclass(frozen=True)
class TagLink:
    kind: str
    pk: int
    name: str
    slug: str
    url: str
    count: int = 0


def subject_line(tags):
    """A card's subjects as one short line ("India · Russia · Make in India"): the first
    CARD_SUBJECTS of its tags (countries, ministers, policies), two at most of a kind."""
    names, per_kind = [], {}
    for tag in tags:
        if per_kind.get(tag.kind, 0) < CARD_SUBJECTS_PER_KIND:
            per_kind[tag.kind] = per_kind.get(tag.kind, 0) + 1
            names.append(tag.name)
            if len(names) == CARD_SUBJECTS:
                break
    return " · ".join(names)


@dataclass
class ArticleCard:
    """An article as a listing shows it: the article and its tag links."""

    article: Article
    tags: list = field(default_factory=list)
    snippet: str = ""

    @property
    def key(self):
        """Names the card's rendering: a new version of the article is a new card."""
        return f"{self.article.pk}.{self.article.version}"

    @property
    def pk(self):
        return self.article.pk

    @property
    def subjects(self):
        return subject_line(self.tags)


class ReferencedCard:
    """A card read as the few columns a card shows; its Article is built from them only
    if the card has to be rendered (most come from the card cache)."""

    snippet = ""

    def __init__(self, db, row, page_tags):
        self.db = db
        self.row = row[:len(CARD_FIELDS)]
        self.image_row = row[len(CARD_FIELDS):]
        self.pk = row[0]
        self.key = f"{row[0]}.{row[1]}"
        self.tags = LazyTags(page_tags, self.pk)

    @property
    def subjects(self):
        return subject_line(self.tags)

    @cached_property
    def article(self):
        # from_db() takes the values in the model's field order.
        values = dict(zip(CARD_FIELDS, self.row, strict=True))
        names = [f.attname for f in Article._meta.concrete_fields if f.attname in values]
        article = Article.from_db(self.db, names, [values[name] for name in names])
        image = None
        if article.hero_image_id is not None:
            image_values = dict(zip(CARD_IMAGE_FIELDS, self.image_row, strict=True))
            image_values["id"] = article.hero_image_id
            names = [f.attname for f in Image._meta.concrete_fields if f.attname in image_values]
            image = Image.from_db(self.db, names, [image_values[name] for name in names])
        Article.hero_image.field.set_cached_value(article, image)
        return article


class TagUrls:
    """Builds tag links from rows of a tag's kind, id, name and slug."""

    def link(self, kind, pk, name, slug, count=0):
        url = reverse(TAXONOMIES[kind].detail_url_name, kwargs={"slug": slug})
        return TagLink(kind, pk, name, slug, url, count)


def tag_link(tag):
    """The TagLink of one tag object."""
    return TagLink(tag.taxonomy.key, tag.pk, tag.name, tag.slug, tag.get_absolute_url())


def _tag_rows(article_ids):
    """(article id, kind, tag id, name, slug) of every tag of the given articles: one query."""
    return union_over_taxonomies(lambda tax: (
        tax.through.objects.filter(content_object_id__in=article_ids)
        .annotate(kind=Value(tax.key))
        .values_list("content_object_id", "kind", "tag_id", "tag__name", "tag__slug")
    ))


def _tag_counts(tax, rows):
    """(kind, tag id, name, slug, how many) of the tags of some through rows of ``tax``."""
    return (
        rows.values("tag_id")
        .annotate(kind=Value(tax.key), n=Count("tag_id"))
        .values_list("kind", "tag_id", "tag__name", "tag__slug", "n")
    )


def tags_by_article(article_ids):
    """Map article id -> TagLinks (countries, then ministers, then policies, A-Z)."""
    rows = _sorted_tag_rows(article_ids)
    return {pk: _links(found) for pk, found in rows.items()}


def _sorted_tag_rows(article_ids):
    """Map article id -> its tag rows (kind, tag id, name, slug) in the order cards show
    them: one query."""
    article_ids = list(article_ids)
    found = {pk: [] for pk in article_ids}
    if not article_ids:
        return found
    rows = sorted(_tag_rows(article_ids), key=lambda r: (r[0], KIND_ORDER[r[1]], r[3]))
    for article_id, *tag in rows:
        found[article_id].append(tag)
    return found


def _links(rows):
    urls = TagUrls()
    return [urls.link(kind, pk, name, slug) for kind, pk, name, slug in rows]


def article_tags(article, *, fresh=False):
    """The article's TagLinks, in one query, remembered until content changes (``fresh``:
    read now, for a preview of an article whose changes renew nothing)."""
    def read():
        return tags_by_article([article.pk])[article.pk]

    return read() if fresh else remember("article-tags", read, article.pk,
                                         depends_on={dependencies.article(article.pk)})


def article_corrections(article, *, fresh=False):
    """The article's corrections, oldest first; remembered until one changes."""
    def read():
        return list(article.corrections.all())

    return read() if fresh else remember("article-corrections", read, article.pk,
                                         depends_on={dependencies.article_notes(article.pk)})


class PageTags:
    """The tags of a page of articles, fetched in one query on first use.

    Cards whose HTML comes from the card cache never read their tags, so a listing
    served from it skips the query; each card's links are built when it reads them
    (after an edit one card of twenty is rendered: building all their links cost a
    listing's render 4-5 ms at 100,000 articles).
    """

    def __init__(self, article_ids):
        self.article_ids = list(article_ids)
        self.rows = None
        self.by_article = {}

    def of(self, article_id):
        if article_id not in self.by_article:
            if self.rows is None:
                self.rows = _sorted_tag_rows(self.article_ids)
            self.by_article[article_id] = _links(self.rows[article_id])
        return self.by_article[article_id]


class LazyTags(Sequence):
    """One card's TagLinks, read from its page's PageTags when first needed."""

    def __init__(self, page_tags, article_id):
        self.page_tags = page_tags
        self.article_id = article_id

    def __getitem__(self, index):
        return self.page_tags.of(self.article_id)[index]

    def __len__(self):
        return len(self.page_tags.of(self.article_id))

    def __eq__(self, other):
        return list(self) == list(other)


def cards(articles):
    """Wrap a page of articles as cards carrying their tags: one query for all tags,
    run only if a card's tags are read."""
    if isinstance(articles, QuerySet):
        articles = articles.select_related("hero_image")
    articles = list(articles)
    # Pictures not read with the articles: in one query (none when no article has one).
    prefetch_related_objects(articles, "hero_image")
    page_tags = PageTags(a.pk for a in articles)
    return [ArticleCard(article=a, tags=LazyTags(page_tags, a.pk)) for a in articles]


def record_card_rows(rows):
    """Record what rows of CARD_COLUMNS show: their articles, and their pictures' words
    and renditions."""
    dependencies.record(*(dependencies.article(row[0]) for row in rows))
    dependencies.record(*(dependencies.image(row[CARD_IMAGE_AT]) for row in rows
                          if row[CARD_IMAGE_AT] is not None))


def referenced_cards(page, *, key=None, depends_on=()):
    """Cards for a page (a sliced listing queryset), reading only what a card shows.

    Most cards of a listing come from the card cache, so building 20 full Article rows
    (most of a listing query's cost) is wasted work; a card that is rendered builds its
    Article from the columns read, with no further query.

    With ``key`` (what names the listing and the page), the rows are remembered until
    what the listing shows changes (``depends_on``) or one of its articles does, as the
    listing's count and anchors are: a page read again runs no query. (The rows' query
    joins each card's picture, which PostgreSQL and Django took 0.8 ms a request more
    to plan and build on a bilateral page, docs/PERFORMANCE.md.)
    """
    def read():
        rows = list(page.values_list(*CARD_COLUMNS))
        record_card_rows(rows)
        return rows

    rows = read() if key is None else remember("listing-rows", read, *key,
                                               depends_on=depends_on)
    page_tags = PageTags(row[0] for row in rows)
    return [ReferencedCard(page.db, row, page_tags) for row in rows]


def listing(queryset=None):
    """Published articles as listings show them: newest first, without the heavy body."""
    queryset = Article.objects.published() if queryset is None else queryset
    return queryset.defer("body", "search_vector").newest_first()


def articles_tagged(tag):
    """Published articles carrying the tag, newest first."""
    tax = tag.taxonomy
    return listing(Article.objects.published().filter(**{f"{tax.article_relation}__tag": tag}))


def latest_tag_rows(taxonomy, tag_id, now=None):
    """A tag's public rows, newest first: the order of its "latest" index."""
    return (taxonomy.through.objects.published(now).filter(tag_id=tag_id)
            .order_by("-published_at", "-content_object_id"))


def tag_listing_rows(tag):
    """(published_at, article id) of ``articles_tagged(tag)``, in its order, from the
    tag's own rows (its "latest" index: 142 ms -> a few for a big tag's 5,000 newest
    at a million articles)."""
    return latest_tag_rows(tag.taxonomy, tag.pk).values_list("published_at",
                                                             "content_object_id")


def articles_tagged_both(first, second):
    """Published articles tagged with both countries (a bilateral page)."""
    return listing(
        Article.objects.published()
        .filter(tagged_countries__tag=first)
        .filter(pk__in=TaggedCountry.objects.filter(tag=second).values("content_object_id"))
    )


def co_occurring_tags(tag, *, limit=24):
    """Tags most often on the same articles as ``tag``, across the three taxonomies.

    Counts over the tag's latest CO_OCCURRENCE_WINDOW published articles; one query,
    remembered until content changes.
    """
    return remember("co-occurring", lambda: _co_occurring_tags(tag, limit=limit),
                    type(tag).__name__, tag.pk, limit,
                    depends_on={dependencies.tag(tag.taxonomy.key, tag.pk)})


def _co_occurring_tags(tag, *, limit):
    # The window from the tag's own rows ("latest" index): through the article table,
    # newest first, a country on 2 % of 100,000 articles took 250 ms.
    recent = tag_listing_rows(tag).values("content_object_id")[:CO_OCCURRENCE_WINDOW]

    def part(tax):
        rows = tax.through.objects.filter(content_object_id__in=recent)
        if tax.key == tag.taxonomy.key:
            rows = rows.exclude(tag_id=tag.pk)
        return _tag_counts(tax, rows)

    combined = union_over_taxonomies(part).order_by("-n", "tag__name")[:limit]
    urls = TagUrls()
    return [urls.link(*row) for row in combined]


def most_covered(*, days=TRENDING_DAYS, per_kind=8, now=None):
    """Per taxonomy, the tags with most published articles in the last ``days`` days.

    Remembered until content changes, and for at most ten minutes as the window slides.
    """
    if now is not None:
        return _most_covered(days=days, per_kind=per_kind, now=now)
    return remember("most-covered", lambda: _most_covered(days=days, per_kind=per_kind),
                    days, per_kind, depends_on={dependencies.PUBLISHED}, timeout=600,
                    moves_with_clock=True)


def _most_covered(*, days, per_kind, now=None):
    """Per taxonomy, the tags with most published articles in the last ``days`` days.

    One query for the three taxonomies over the window's tag rows, read from their
    "recent" index (through the articles it took 0.3 s at a million articles).
    """
    now = now or timezone.now()
    since = now - timedelta(days=days)
    counts = union_over_taxonomies(lambda tax: _tag_counts(
        tax, tax.through.objects.published(now).filter(published_at__gte=since)
    ))
    urls = TagUrls()
    result = {kind: [] for kind in TAXONOMIES}
    for row in counts.order_by("-n", "tag__name"):
        if len(result[row[0]]) < per_kind:
            result[row[0]].append(urls.link(*row))
    return result


def tag_index(kind):
    """Tags of one taxonomy with their published-article counts, A-Z; unused tags left out."""
    tax = TAXONOMIES[kind]
    tags = (
        tax.model.objects.filter(
            tagged_items__content_object_id__in=Article.objects.published().values("pk")
        )
        .annotate(article_count=Count("tagged_items"))
        .order_by("name")
    )
    if kind == "minister":
        tags = tags.select_related("country")
    return tags


def related_articles(article, tags, *, limit=4, fresh=False):
    """Published articles sharing the most tags with ``article``.

    Which ones is remembered until the article changes or NEWSROOM_RELATED_SECONDS pass
    (a newer related article shows then, not at its publication); how each reads is
    remembered apart, until one of them changes. An edit of a listed article then costs
    its related lists one short query, not the ranking again (15 ms of an article page's
    render at 100,000 articles), and a withdrawn one leaves them at once.
    """
    if fresh:
        related = _related_articles(article, tags, limit=limit)
        dependencies.record(*(dependencies.article(other.pk) for other in related))
        return related
    ranked = []  # the articles, when the ranking is read now: no second query then

    def rank():
        ranked.extend(_related_articles(article, tags, limit=limit))
        return [other.pk for other in ranked]

    ids = remember("related-ids", rank, article.pk, limit,
                   depends_on={dependencies.article(article.pk)},
                   timeout=settings.NEWSROOM_RELATED_SECONDS, moves_with_clock=True)

    def read():
        dependencies.record(*(dependencies.article(pk) for pk in ids))
        if ranked:
            return ranked
        found = (Article.objects.published().filter(pk__in=ids)
                 .only("headline", "slug", "published_at").in_bulk())
        return [found[pk] for pk in ids if pk in found]

    return remember("related", read, article.pk, *ids,
                    depends_on={dependencies.article(article.pk)})


def _related_articles(article, tags, *, limit):
    """Published articles sharing the most tags with ``article``, in one query.

    A shared minister or policy weighs three times a shared country. The candidates are
    the newest RELATED_CANDIDATES of each tag's latest RELATED_CANDIDATES public
    articles (read from the tags' "latest" index: all of a big tag's articles took a
    second at a million articles), which bounds its cost; each is scored by every tag
    it shares. The statement is put together here from each tag's window as the ORM
    compiles it (``_tag_window``): the ORM's correlated-subquery form of it cost a
    first article render 15-18 ms at 100,000 articles, 7 of them building the query;
    this one runs in 5 (docs/PERFORMANCE.md, "First renders cut").
    """
    if not tags:
        return []
    database = router.db_for_read(Article)
    operations = connections[database].ops
    now = timezone.now()
    windows, params = [], []
    for i, tag in enumerate(tags):
        window = _tag_window(database, tag.kind, RELATED_CANDIDATES)
        windows.append(f"SELECT * FROM ({window.sql}) AS window_{i}")
        params += window.params(pk=tag.pk, moment=now)
    params.append(article.pk)
    shared = []
    for kind, tax in TAXONOMIES.items():
        tag_ids = [tag.pk for tag in tags if tag.kind == kind]
        if tag_ids:
            shared.append(
                f"SELECT content_object_id AS id, {int(tax.weight)} AS weight "
                f"FROM {operations.quote_name(tax.through._meta.db_table)} "
                f"WHERE tag_id IN ({', '.join(['%s'] * len(tag_ids))}) "
                "AND content_object_id IN (SELECT id FROM candidates)"
            )
            params += tag_ids
    params.append(limit)
    article_table = operations.quote_name(Article._meta.db_table)
    return list(Article.objects.raw(
        f"WITH windows (id, published_at) AS ({' UNION ALL '.join(windows)}), "
        "candidates AS (SELECT DISTINCT id, published_at FROM windows WHERE id <> %s "
        f"ORDER BY published_at DESC, id DESC LIMIT {int(RELATED_CANDIDATES)}), "
        f"shared AS ({' UNION ALL '.join(shared)}), "
        "scored AS (SELECT candidates.id, candidates.published_at, SUM(shared.weight) AS score "
        "FROM candidates JOIN shared ON shared.id = candidates.id "
        "GROUP BY candidates.id, candidates.published_at "
        "ORDER BY score DESC, candidates.published_at DESC, candidates.id DESC LIMIT %s) "
        f"SELECT article.id, article.headline, article.slug, article.published_at, scored.score "
        f"FROM scored JOIN {article_table} article ON article.id = scored.id "
        "ORDER BY scored.score DESC, scored.published_at DESC, scored.id DESC",
        params,
    ).using(database))


@functools.cache
def _tag_window(database, kind, size):
    """One tag's latest ``size`` public rows (article id, publication time), compiled
    once per database and taxonomy from ``TagRowQuerySet.published()``."""
    rows = latest_tag_rows(TAXONOMIES[kind], STAND_IN_ID, now=STAND_IN_MOMENT)
    return Compiled.of(rows.values_list("content_object_id", "published_at")[:size],
                       database)


def _words(text):
    return re.findall(r"\w+", text.casefold())


def _contains_phrase(words, phrase_words):
    n = len(phrase_words)
    return n > 0 and any(words[i:i + n] == phrase_words for i in range(len(words) - n + 1))


def search_tag_matches(text, *, limit=6):
    """Tags named in the query (by name or alias, as whole words): one query.

    "Lavrov" finds Sergey Lavrov, "Chennai Vladivostok corridor" a policy named so; "man"
    finds neither Oman nor Germany. When no tag is named in the query, tags whose name
    holds the whole query as words ("Sudan" in South Sudan) are offered instead.
    """
    query_words = [word for word in _words(text) if len(word) >= 3]
    if not query_words:
        return []
    candidates = Q()
    for word in query_words[:8]:
        candidates |= Q(name__icontains=word) | Q(aliases__icontains=word)
    entries = union_over_taxonomies(lambda tax: (
        tax.model.objects.filter(candidates)
        .annotate(kind=Value(tax.key))
        .values_list("kind", "pk", "name", "slug", "aliases")
    ))
    rows = list(entries.order_by("name")[:200])
    all_words = _words(text)
    named, holding = [], []
    for kind, pk, name, slug, aliases in rows:
        names = [_words(n) for n in [name, *(aliases or [])]]
        if any(_contains_phrase(all_words, n) for n in names):
            named.append((kind, pk, name, slug))
        elif any(_contains_phrase(n, all_words) for n in names):
            holding.append((kind, pk, name, slug))
    urls = TagUrls()
    return [urls.link(*row) for row in (named or holding)[:limit]]


def tag_by_slug(kind, slug):
    """The country, minister (with its country and photo) or policy with this slug, or None,
    with ``mention_count`` (how many public stories mention it); remembered until content
    or its mentions change."""
    def find():
        taxonomy = TAXONOMIES[kind]
        queryset = taxonomy.model.objects.select_related("country", "photo") \
            if kind == "minister" else taxonomy.model.objects.all()
        tag = queryset.filter(slug=slug).annotate(
            mention_count=public_mention_count(taxonomy.plural)).first()
        if tag is not None:
            dependencies.record(dependencies.mentions(kind, tag.pk))
        if kind == "minister" and tag is not None and tag.photo_id:
            # The photo's words and renditions are kept with the entry until they change.
            dependencies.record(dependencies.image(tag.photo_id))
        return tag

    # The vocabulary: a renamed or merged entry renews everything.
    return remember("tag", find, kind, slug, depends_on=())


def image_shown(image):
    """Whether pages show ``image`` now (``Image.shown``: while its usage terms last);
    what shows it is rendered afresh the day they end."""
    if image is None or not image.shown:
        return False
    if image.usage_ends is not None:
        dependencies.record_until(day_start(image.usage_ends + timedelta(days=1)).timestamp())
    return True


@dataclass(frozen=True)
class MinisterFact:
    """A minister as a country's page lists them; ``url`` only if they have a page."""

    name: str
    office: str
    in_office_from: object
    in_office_to: object
    url: str | None

    @property
    def former(self):
        return self.in_office_to is not None and self.in_office_to <= timezone.localdate()


COUNTRY_FIELDS = ("id", "slug", "name", "aliases", "updated_at", "code")
MINISTER_FACT_FIELDS = ("ministers_of__name", "ministers_of__slug", "ministers_of__office",
                        "ministers_of__in_office_from", "ministers_of__in_office_to")


def country_with_ministers(slug):
    """(the country with this slug, with ``mention_count`` as ``tag_by_slug`` gives it, its
    ministers in the vocabulary), or (None, []): one query, remembered until the vocabulary,
    the country's listing (a new minister of the country changes it too), its mentions or
    one of those ministers' listings changes.

    Ministers in office first, then former ones, A-Z; a minister links to their page only
    once they have published articles (their page is a 404 until then).
    """
    def find():
        has_page = Exists(TaggedMinister.objects.published()
                          .filter(tag_id=OuterRef("ministers_of__pk")))
        rows = list(Country.objects.filter(slug=slug)
                    .annotate(has_page=has_page,
                              mention_count=public_mention_count("countries"))
                    .values_list(*COUNTRY_FIELDS, "mention_count", "ministers_of__pk",
                                 *MINISTER_FACT_FIELDS, "has_page"))
        if not rows:
            return None, []
        country = Country.from_db(Country.objects.db, COUNTRY_FIELDS,
                                  rows[0][:len(COUNTRY_FIELDS)])
        country.mention_count = rows[0][len(COUNTRY_FIELDS)]  # as an annotation would
        dependencies.record(dependencies.mentions("country", country.pk))
        # A minister new to the vocabulary changes the country's key (caching.receivers).
        dependencies.record(dependencies.tag("country", country.pk))
        ministers = []
        for row in rows:
            minister_pk, name, minister_slug, office, since, until, has_page = \
                row[len(COUNTRY_FIELDS) + 1:]
            if minister_pk is None:
                continue
            dependencies.record(dependencies.tag("minister", minister_pk))
            url = reverse("articles:minister-detail", kwargs={"slug": minister_slug}) \
                if has_page else None
            ministers.append(MinisterFact(name, office, since, until, url))
        ministers.sort(key=lambda m: (m.former, m.name))
        # A minister whose term ends on a later day becomes a former one that day.
        today = timezone.localdate()
        ends = [m.in_office_to for m in ministers if m.in_office_to and m.in_office_to > today]
        if ends:
            dependencies.record_until(day_start(min(ends)).timestamp())
        return country, ministers

    return remember("country-ministers", find, slug, depends_on=())


def tag_with_alias_slug(model, slug):
    """The entry one of whose aliases has this slug: where a merged entry's page went."""
    word = slug.split("-")[0]
    if not word:
        return None
    for tag in model.objects.filter(aliases__icontains=word):
        if any(tag.slugify(alias) == slug for alias in tag.aliases):
            return tag
    return None


def country_choices():
    """Every country as (slug, name), A-Z, for the search filter."""
    return list(Country.objects.order_by("name").values_list("slug", "name"))


def article_moved_from(day, slug):
    """The article that left the address of ``day`` and ``slug``, if readers may see where
    it is now (published, or withdrawn: its address says so); else None."""
    moved = RetiredAddress.objects.filter(published_on=day, slug=slug).values("article_id")
    visible = Article.objects.published() | Article.objects.withdrawn()
    return visible.filter(pk__in=moved).only("slug", "published_at").first()
