"""The API's reads: which articles a request may see, its filters, and the rows of a page.

Every public read starts from ``Article.objects.published()``; a staff member's from
``editorial.workflow.visible_articles``. Each read runs a fixed number of queries,
whatever the page size or the number of tags.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import F, Value

from articles.caching import dependencies, state
from articles.editorial import workflow
from articles.models import (
    TAXONOMIES,
    Article,
    ArticleAuthor,
    Author,
    Correction,
    union_over_taxonomies,
)
from articles.platform.dates import clamp_day, day_start

# The columns a list item shows: never the body or the search vector.
LIST_FIELDS = ("id", "headline", "slug", "standfirst", "dateline", "source", "status",
               "published_at", "updated_at", "created_at", "version")
# The statuses a staff member may list (``?status=``); "scheduled" is published with a
# publication time still to come.
STAFF_STATUSES = ("draft", "review", "scheduled", "published", "withdrawn")


class UnknownTag(LookupError):
    """A filter names a tag that does not exist."""


@dataclass(frozen=True)
class ArticleFilters:
    """What a list of articles is narrowed to. The tags are model instances, found by
    ``find_tag``; the author by ``find_author``."""

    author: object = None
    country: object = None
    minister: object = None
    policy: object = None
    published_from: object = None  # a date, inclusive, in the site's time zone
    published_to: object = None  # a date, inclusive
    updated_since: object = None  # an aware datetime, inclusive

    def apply(self, articles):
        if self.author is not None:
            articles = articles.filter(pk__in=ArticleAuthor.objects.filter(
                author=self.author).values("article_id"))
        for kind, tax in TAXONOMIES.items():
            tag = getattr(self, kind)
            if tag is not None:
                articles = articles.filter(
                    pk__in=tax.through.objects.filter(tag=tag).values("content_object_id"))
        if self.published_from:
            articles = articles.filter(published_at__gte=day_start(clamp_day(self.published_from)))
        if self.published_to:
            day_after = clamp_day(self.published_to) + timedelta(days=1)
            articles = articles.filter(published_at__lt=day_start(day_after))
        if self.updated_since:
            articles = articles.filter(updated_at__gte=self.updated_since)
        return articles

    def cache_key(self):
        """What selects the articles, for a remembered page: tags by id, times as text."""
        return (tuple(None if getattr(self, kind) is None else getattr(self, kind).pk
                      for kind in ("author", *TAXONOMIES)),
                str(self.published_from), str(self.published_to), str(self.updated_since))

    def dependency_keys(self):
        """A list narrowed by update time changes with any edit of a public article."""
        keys = {dependencies.PUBLISHED}
        if self.updated_since:
            keys.add(dependencies.SEARCH)
        return keys


def find_tag(kind, value):
    """The tag of taxonomy ``kind`` a filter names by slug (a country also by its ISO
    code), or UnknownTag."""
    tax = TAXONOMIES[kind]
    tags = tax.model.objects.all()
    if kind == "country" and len(value) == 2 and value.isascii() and value.isalpha():
        found = tags.filter(code=value.upper()).first()
    else:
        found = tags.filter(slug=value).first()
    if found is None:
        raise UnknownTag(f"No {kind} has the slug “{value}”.")
    return found


def find_author(value):
    """The author a filter names by slug, or UnknownTag."""
    found = Author.objects.filter(slug=value).first()
    if found is None:
        raise UnknownTag(f"No author has the slug “{value}”.")
    return found


def visible_articles(reader):
    """The articles ``reader`` may read: the public ones, or a staff member's view."""
    if reader is None:
        return Article.objects.published()
    return workflow.visible_articles(reader)


def staff_status(articles, status):
    """A staff member's articles in one workflow status (``STAFF_STATUSES``)."""
    if status == "scheduled":
        return articles.filter(pk__in=Article.objects.scheduled().values("pk"))
    if status == "published":
        return articles.filter(pk__in=Article.objects.published().values("pk"))
    return articles.filter(status=status)


def article_page(articles, *, cursor, limit, field):
    """One page of ``articles`` newest first by ``field`` (then id), after ``cursor``:
    the page's rows and whether more follow. One query."""
    if cursor is not None:
        articles = articles.filter(cursor.after(field))
    rows = list(articles.order_by(f"-{field}", "-id").only(*LIST_FIELDS)[: limit + 1])
    return rows[:limit], len(rows) > limit


def public_page(filters, *, cursor, limit):
    """``article_page`` of the public articles, remembered until what it shows changes
    (``filters.dependency_keys()`` and its articles), as the site's listings are."""
    def read():
        rows, more = article_page(filters.apply(Article.objects.published()), cursor=cursor,
                                  limit=limit, field="published_at")
        dependencies.record(*(dependencies.article(row.pk) for row in rows))
        return rows, more

    return state.remember("api-page", read, filters.cache_key(), cursor, limit,
                          depends_on=filters.dependency_keys())


@dataclass(frozen=True)
class TagRef:
    kind: str
    name: str
    slug: str
    code: str


def tags_of(article_ids):
    """article id -> {taxonomy key: [TagRef, A-Z], "authors": [names in byline order]}:
    one query for a whole page (the tag rows and the bylines in one UNION ALL)."""
    found = {pk: {kind: [] for kind in TAXONOMIES} | {"authors": []} for pk in article_ids}
    if not found:
        return found

    def part(tax):
        code = F("tag__code") if tax.key == "country" else Value("")
        return (tax.through.objects.filter(content_object_id__in=list(found))
                .annotate(kind=Value(tax.key), tag_code=code, position=Value(0))
                .values_list("content_object_id", "kind", "tag__name", "tag__slug",
                             "tag_code", "position"))

    bylines = (ArticleAuthor.objects.filter(article_id__in=list(found))
               .annotate(kind=Value("authors"), tag_code=Value(""), at=F("position"))
               .values_list("article_id", "kind", "author__name", "author__slug",
                            "tag_code", "at").order_by())
    rows = list(union_over_taxonomies(part).union(bylines, all=True))
    if any(row[1] == "authors" for row in rows):
        dependencies.record(dependencies.AUTHORS)  # an author renamed renews their bylines
    for article_id, kind, name, slug, code, _position in sorted(
            rows, key=lambda row: (row[0], row[5], row[2])):
        if kind == "authors":
            found[article_id]["authors"].append(name)
        else:
            found[article_id][kind].append(TagRef(kind, name, slug, code))
    return found


def remembered_tags(article_ids):
    """``tags_of`` for public articles, each article's tags remembered until it changes
    (``caching.state.remember_many``: a worker's second page of the same articles reads
    no tag rows). A staff member's drafts are read fresh: their changes renew nothing."""
    return state.remember_many("api-tags", article_ids, tags_of,
                               depends_on=lambda pk: {dependencies.article(pk)})


def public_corrections():
    """Corrections of public articles, newest first, with their article's columns."""
    return (
        Correction.objects.filter(article__in=Article.objects.published().values("pk"))
        .select_related("article")
        .only("id", "kind", "note", "created_at", "article__id", "article__headline",
              "article__slug", "article__published_at", "article__status")
    )


def corrections_page(*, cursor, limit):
    corrections = public_corrections()
    if cursor is not None:
        corrections = corrections.filter(cursor.after("created_at"))
    rows = list(corrections.order_by("-created_at", "-id")[: limit + 1])
    return rows[:limit], len(rows) > limit
