"""The API's JSON shapes (Pydantic, through django-ninja): what the OpenAPI document
describes. Ninja checks each answer against them, but for the article list and the
article, which ``presenting`` builds to these shapes and ``endpoints.rendered`` hands
to the renderer as they are (the tests and Schemathesis check those)."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class Schema(BaseModel):
    """Responses are built as plain dicts: pydantic's own model, without ninja's Schema
    reading each nested object through Django-aware getters (a fifth of a list's time)."""


class Error(Schema):
    detail: str | list = Field(description="Why the request was refused.")


class TagRef(Schema):
    name: str
    slug: str
    code: str | None = Field(None, description="ISO 3166-1 alpha-2, for a country.")
    api_url: str


class Tags(Schema):
    countries: list[TagRef]
    ministers: list[TagRef]
    policies: list[TagRef]


class ArticleItem(Schema):
    id: int
    headline: str
    slug: str
    standfirst: str
    dateline: str
    authors: list[str] = Field(description="The authors' names in byline order.")
    source: str = Field(description="The agency wire copy came from; empty for the newsroom's own.")
    status: Literal["draft", "review", "scheduled", "published", "withdrawn"]
    published_at: datetime | None
    updated_at: datetime
    version: int
    url: str | None = Field(description="The article's page (absent for a story never public).")
    api_url: str
    tags: Tags


class CorrectionItem(Schema):
    id: int
    kind: Literal["correction", "clarification", "update"]
    note: str
    created_at: datetime


class ArticleDetail(ArticleItem):
    body: str = Field(description="Safe HTML (the site's sanitising rules).")
    corrections: list[CorrectionItem]
    ninjs_url: str


class ArticlePage(Schema):
    items: list[ArticleItem]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page.")
    next: str | None = Field(description="The next page's address, or null on the last.")


class ArticleRef(Schema):
    id: int
    headline: str
    url: str
    api_url: str


class PublicCorrection(CorrectionItem):
    article: ArticleRef


class CorrectionPage(Schema):
    items: list[PublicCorrection]
    next_cursor: str | None
    next: str | None


class SearchPage(Schema):
    items: list[ArticleItem]
    page: int
    next: str | None


class Tag(Schema):
    name: str
    slug: str
    aliases: list[str]
    article_count: int = Field(description="Public articles carrying the tag.")
    url: str
    api_url: str
    articles_api_url: str = Field(description="The tag's articles, newest first.")
    code: str | None = Field(None, description="A country's ISO 3166-1 alpha-2 code.")
    office: str | None = Field(None, description="A minister's office.")
    country: str | None = Field(None, description="A minister's country (ISO code).")
    description: str | None = Field(None, description="A policy's description.")


class TagList(Schema):
    items: list[Tag]
