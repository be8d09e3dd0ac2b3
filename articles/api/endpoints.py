"""The read API's operations (django-ninja): thin, each one a read from ``reads`` shown
by ``presenting`` (or ``ninjs``), recording the dependency keys of what it shows so the
page cache serves and invalidates it like a page (``articles.caching``)."""

import json
from datetime import UTC, date, datetime
from typing import Literal

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from ninja import NinjaAPI, Path, Query, Schema
from ninja.errors import HttpError
from ninja.renderers import JSONRenderer
from pydantic import Field, field_validator

from articles.api import ingest, ninjs, presenting, reads
from articles.api.access import staff_reader
from articles.api.cursors import MAX_ID, BadCursor, Cursor
from articles.api.schemas import (
    ArticleDetail,
    ArticlePage,
    CorrectionPage,
    Error,
    SearchPage,
    Tag,
    TagList,
)
from articles.caching import dependencies
from articles.models import TAXONOMIES, TAXONOMIES_BY_PLURAL
from articles.platform.dates import FIRST_YEAR, LAST_YEAR
from articles.public.search import (
    SearchParams,
    ranked_search,
    search_dependencies,
    tags_named_in,
)
from articles.public.selectors import article_corrections, tag_index

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# Search pages reach as deep as the site's search ranks (its window) and no further.
MAX_SEARCH_PAGE = 50
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error}
CONTROL_CHARACTERS = {chr(c) for c in (*range(0x20), 0x7F)}
Taxonomy = Literal["countries", "ministers", "policies"]



class CompactJSON(JSONRenderer):
    """JSON without the spaces after separators, and UTF-8 as it is: a list of 20 is
    5 % smaller (25,792 against 27,253 bytes at 100,000 articles)."""

    json_dumps_params = {"separators": (",", ":"), "ensure_ascii": False}


api = NinjaAPI(
    title="Newsroom read API",
    renderer=CompactJSON(),
    version="1",
    description="Published articles, their tags, search and corrections. See docs/API.md.",
    urls_namespace=presenting.NAMESPACE,
    docs_url=None,  # ninja's docs page loads scripts from a CDN, which our CSP forbids
)
api.add_router("", ingest.router)
api.add_exception_handler(ingest.Refused, ingest.refused)


def plain_text(value):
    """Query text with no control characters (no database stores a NUL)."""
    if value is not None and CONTROL_CHARACTERS & set(value):
        raise ValueError("control characters are not allowed")
    return value


class Filters(Schema):
    author: str | None = Field(None, max_length=100, description="An author's slug.")
    country: str | None = Field(None, max_length=100, description="A slug or ISO code.")
    minister: str | None = Field(None, max_length=100, description="A slug.")
    policy: str | None = Field(None, max_length=100, description="A slug.")
    published_from: date | None = Field(None, alias="from",
                                        description="Published on or after (YYYY-MM-DD).")
    published_to: date | None = Field(None, alias="to",
                                      description="Published on or before (YYYY-MM-DD).")
    updated_since: datetime | None = Field(
        None, description="Changed at or after (ISO 8601; without an offset, the site's "
                          "time zone).")
    cursor: str | None = Field(None, max_length=200, description="From the previous page.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    status: Literal[reads.STAFF_STATUSES] | None = Field(
        None, description="Staff only (a token or a session): the articles you may see "
                          "in one workflow status, most recently changed first.")

    _text = field_validator("author", "country", "minister", "policy", "cursor")(plain_text)

    @field_validator("updated_since")
    @classmethod
    def representable(cls, value):
        if value is None:
            return value
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise ValueError(f"the year must be between {FIRST_YEAR} and {LAST_YEAR}")
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value.astimezone(UTC)


class SearchQuery(Schema):
    q: str = Field("", max_length=200, description="The same syntax as /search/.")
    country: str = Field("", max_length=100)
    minister: str = Field("", max_length=100)
    policy: str = Field("", max_length=100)
    published_from: date | None = Field(None, alias="from")
    published_to: date | None = Field(None, alias="to")
    page: int = Field(1, ge=1, le=MAX_SEARCH_PAGE)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)

    _text = field_validator("q", "country", "minister", "policy")(plain_text)


class PageQuery(Schema):
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)

    _text = field_validator("cursor")(plain_text)


def decode_cursor(text, kind):
    if not text:
        return None
    try:
        return Cursor.decode(text, kind=kind)
    except BadCursor as error:
        raise HttpError(400, str(error)) from error


def rendered(request, data, response=None):
    """``data`` as ninja answers it (its renderer, headers set on ``response``) without
    validating it against the response model first: the shapes are built by
    ``presenting`` to the schema, and tests/test_api_schemathesis.py checks them."""
    # ninja's validate-and-dump: 17% of a list of 20's CPU in process (docs/PERFORMANCE.md).
    return api.create_response(request, data, status=200, temporal_response=response)


def next_link(request, cursor):
    """This address with ?cursor= moved on."""
    query = request.GET.copy()
    query["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


@api.get("/articles/", response={200: ArticlePage, **ERRORS}, url_name="article-list",
         summary="Articles, newest first")
def article_list(request, filters: Query[Filters]):
    """Public articles newest first (by publication time, then id), with cursor pages.

    Filters combine: a tag of each taxonomy, a publication date range, and
    ``updated_since``. With a token, ``status`` lists the drafts (or any status) you may
    read, most recently changed first.
    """
    reader = staff_reader(request)
    articles = reads.visible_articles(reader)
    field, kind = "published_at", "p"
    if filters.status is not None:
        if reader is None:
            raise HttpError(403, "The status filter is for staff: send your API token.")
        articles = reads.staff_status(articles, filters.status)
        field, kind = "updated_at", f"u-{filters.status}"
    found = {}
    if filters.author:
        try:
            found["author"] = reads.find_author(filters.author)
        except reads.UnknownTag as error:
            raise HttpError(400, str(error)) from error
    for key in TAXONOMIES:
        value = getattr(filters, key)
        if value:
            try:
                found[key] = reads.find_tag(key, value)
            except reads.UnknownTag as error:
                raise HttpError(400, str(error)) from error
    chosen = reads.ArticleFilters(
        **found, published_from=filters.published_from, published_to=filters.published_to,
        updated_since=filters.updated_since)
    cursor = decode_cursor(filters.cursor, kind)
    addresses = presenting.Addresses(request)
    if reader is None:
        rows, more = reads.public_page(chosen, cursor=cursor, limit=filters.limit)
        items = presenting.remembered_items(rows, addresses)
    else:  # a staff member's drafts change without renewing anything: read them now
        rows, more = reads.article_page(chosen.apply(articles), cursor=cursor,
                                        limit=filters.limit, field=field)
        tags = reads.tags_of([row.pk for row in rows])
        items = [presenting.article_item(row, tags[row.pk], addresses) for row in rows]
    dependencies.record(*chosen.dependency_keys(),
                        *(dependencies.article(row.pk) for row in rows))
    next_cursor = None
    if more:
        last = rows[-1]
        next_cursor = Cursor(kind, getattr(last, field), last.pk).encode()
    return rendered(request, {
        "items": items,
        "next_cursor": next_cursor,
        "next": next_link(request, next_cursor) if next_cursor else None,
    })


NINJS_RESPONSE = {"responses": {200: {"content": {ninjs.MEDIA_TYPE: {"schema": {
    "type": "object", "required": ["uri"], "additionalProperties": True,
    "description": "An IPTC ninjs 2.2 news item "
                   "(https://www.iptc.org/std/ninjs/ninjs-schema_2.2.json).",
}}}}}}


def wants_ninjs(request, format):
    """``?format=`` decides; without it, an Accept header naming ninjs does."""
    if format is not None:
        return format == "ninjs"
    return ninjs.MEDIA_TYPE in request.headers.get("Accept", "")


@api.get("/articles/{article_id}/", response={200: ArticleDetail, **ERRORS},
         url_name="article-detail", summary="One article", openapi_extra=NINJS_RESPONSE)
def article_detail(request, response: HttpResponse, article_id: int = Path(..., ge=1, le=MAX_ID),
                   format: Literal["json", "ninjs"] | None = None):
    """One article with its body, tags and corrections; as IPTC ninjs 2.2 with
    ``?format=ninjs`` or ``Accept: application/ninjs+json``."""
    reader = staff_reader(request)
    article = reads.visible_articles(reader).filter(pk=article_id).first()
    if article is None:
        raise HttpError(404, "No such article.")
    dependencies.record(dependencies.article(article.pk))
    # A reader's article has its tags and corrections remembered until it changes; a
    # staff member's draft renews nothing when it changes: read now.
    fresh = reader is not None
    tags = (reads.tags_of if fresh else reads.remembered_tags)([article.pk])[article.pk]
    addresses = presenting.Addresses(request)
    if wants_ninjs(request, format):
        answer = HttpResponse(json.dumps(ninjs.ninjs_item(article, tags, addresses),
                                         cls=DjangoJSONEncoder, ensure_ascii=False),
                              content_type=ninjs.MEDIA_TYPE)
        patch_vary_headers(answer, ["Accept"])
        return answer
    patch_vary_headers(response, ["Accept"])
    return rendered(request, presenting.article_detail(
        article, tags, article_corrections(article, fresh=fresh), addresses), response)


@api.get("/tags/{taxonomy}/", response={200: TagList, **ERRORS}, url_name="tag-list",
         summary="Tags of one taxonomy with their article counts")
def tag_list(request, taxonomy: Taxonomy):
    """Every tag of the taxonomy that public articles carry, A-Z, with how many."""
    staff_reader(request)
    kind = TAXONOMIES_BY_PLURAL[taxonomy].key
    dependencies.record(dependencies.PUBLISHED)
    addresses = presenting.Addresses(request)
    return {"items": [presenting.tag_item(tag, tag.article_count, addresses)
                      for tag in tag_index(kind)]}


@api.get("/tags/{taxonomy}/{slug}/", response={200: Tag, **ERRORS}, url_name="tag-detail",
         summary="One tag")
def tag_detail(request, taxonomy: Taxonomy, slug: str = Path(..., min_length=1, max_length=100)):
    staff_reader(request)
    tax = TAXONOMIES_BY_PLURAL[taxonomy]
    tags = tax.model.objects.all()
    if tax.key == "minister":
        tags = tags.select_related("country")
    tag = tags.filter(slug=slug).first() if not CONTROL_CHARACTERS & set(slug) else None
    if tag is None:
        raise HttpError(404, f"No {tax.key} has the slug “{slug}”.")
    dependencies.record(dependencies.PUBLISHED, dependencies.tag(tax.key, tag.pk))
    count = tax.through.objects.published().filter(tag=tag).count()
    return presenting.tag_item(tag, count, presenting.Addresses(request))


@api.get("/search/", response={200: SearchPage, **ERRORS}, url_name="search",
         summary="Search, as /search/ does")
def search(request, query: Query[SearchQuery]):
    """The site's search: the same engine and syntax (words, "a phrase", tag names),
    the same filters; the best matches first where PostgreSQL ranks them."""
    staff_reader(request)
    params = SearchParams(q=query.q.strip(), country=query.country.strip(),
                          minister=query.minister.strip(), policy=query.policy.strip(),
                          date_from=query.published_from, date_to=query.published_to)
    matching_tags = tags_named_in(params.q)
    dependencies.record(*search_dependencies(params, matching_tags))
    if params.is_empty:
        return {"items": [], "page": 1, "next": None}
    start = (query.page - 1) * query.limit
    found = list(ranked_search(params, matching_tags)[start:start + query.limit + 1])
    rows = found[: query.limit]
    dependencies.record(*(dependencies.article(row.pk) for row in rows))
    tags = reads.remembered_tags([row.pk for row in rows])
    addresses = presenting.Addresses(request)
    following = None
    if len(found) > query.limit and query.page < MAX_SEARCH_PAGE:
        following = request.GET.copy()
        following["page"] = query.page + 1
        following = request.build_absolute_uri(f"{request.path}?{following.urlencode()}")
    return {"items": [presenting.article_item(row, tags[row.pk], addresses) for row in rows],
            "page": query.page, "next": following}


@api.get("/corrections/", response={200: CorrectionPage, **ERRORS},
         url_name="correction-list", summary="Corrections, newest first")
def correction_list(request, page: Query[PageQuery]):
    """Every correction and update note of the public articles, newest first."""
    staff_reader(request)
    rows, more = reads.corrections_page(cursor=decode_cursor(page.cursor, "c"), limit=page.limit)
    dependencies.record(dependencies.PUBLISHED, dependencies.SEARCH)
    next_cursor = Cursor("c", rows[-1].created_at, rows[-1].pk).encode() if more else None
    addresses = presenting.Addresses(request)
    return {"items": [presenting.public_correction(row, addresses) for row in rows],
            "next_cursor": next_cursor,
            "next": next_link(request, next_cursor) if next_cursor else None}

