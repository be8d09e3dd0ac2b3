"""Article search: weighted full-text search on PostgreSQL, word matching elsewhere.

Both backends also find articles through their tags: a query naming a country, a
minister or a policy (or one of its aliases) finds the articles tagged with it.
"""

import html
import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import (
    Case,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from articles.models import Article
from articles.selectors import TAXONOMIES, listing

MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
# Private-use characters mark highlights in PostgreSQL's snippets; they cannot
# appear in article text, so the snippet can be escaped first and marked up after.
MARK_START = "\ue000"
MARK_STOP = "\ue001"
SEARCH_CONFIG = "english"
# Full-text search ranks at most this many of the newest matching articles.
SEARCH_WINDOW = 1000
# A tag match lifts an article above one that merely mentions the words once.
TAG_MATCH_BONUS = 0.2


def clean_text(value, max_length=MAX_QUERY_LENGTH):
    """Strip what no database accepts (NUL, control characters) and bound the length."""
    value = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", " ", value or "")
    return value.strip()[:max_length]


def parse_day(value):
    """An ISO date (YYYY-MM-DD) or None when absent or malformed."""
    try:
        return date.fromisoformat(clean_text(value, 10))
    except ValueError:
        return None


@dataclass
class SearchParams:
    q: str = ""
    country: str = ""
    minister: str = ""
    policy: str = ""
    date_from: date | None = None
    date_to: date | None = None

    @classmethod
    def from_query_dict(cls, data):
        return cls(
            q=clean_text(data.get("q")),
            country=clean_text(data.get("country"), 100),
            minister=clean_text(data.get("minister"), 100),
            policy=clean_text(data.get("policy"), 100),
            date_from=parse_day(data.get("from")),
            date_to=parse_day(data.get("to")),
        )

    @property
    def has_filters(self):
        return bool(self.country or self.minister or self.policy or self.date_from
                    or self.date_to)

    @property
    def is_empty(self):
        return not self.q and not self.has_filters


def uses_full_text():
    return connection.vendor == "postgresql"


def search_articles(params, matching_tags=()):
    """Published articles matching the search, best first; a lazy queryset.

    ``matching_tags`` (TagLinks whose name or alias matched the query, from
    ``selectors.search_tag_matches``) adds the articles carrying those tags. Without
    any, PostgreSQL answers from the GIN index alone.
    """
    articles = Article.objects.published()
    articles = _apply_filters(articles, params)
    if not params.q:
        return listing(articles)
    tag_match = _tag_match(matching_tags)
    if uses_full_text():
        return _full_text(articles, params.q, tag_match)
    return _word_match(articles, params.q, tag_match)


def filter_tags(model, value):
    """The tags a filter value names: a slug from a link, or a whole name or alias typed
    in ("Lavrov"), never a fragment ("oman" is not Romania). A lazy queryset."""
    value = value.strip()
    # An alias matches whole: its JSON string form, quotes included, in the stored list
    # (SQLite stores JSON with \u escapes, PostgreSQL's jsonb prints the characters).
    alias = json.dumps(value, ensure_ascii=connection.vendor != "postgresql")
    return model.objects.filter(
        Q(slug=value) | Q(name__iexact=value) | Q(aliases__icontains=alias)
    )


def _apply_filters(articles, params):
    for kind, tax in TAXONOMIES.items():
        value = getattr(params, kind)
        if value:
            tags = filter_tags(tax.model, value)
            articles = articles.filter(
                pk__in=tax.through.objects.filter(tag__in=tags).values("content_object_id")
            )
    if params.date_from:
        articles = articles.filter(published_at__gte=_day_start(params.date_from))
    if params.date_to:
        articles = articles.filter(published_at__lt=_day_start(params.date_to, 1))
    return articles


# Far enough from date.min/max that the site's time zone never overflows in UTC.
EARLIEST_DAY, LATEST_DAY = date(2, 1, 1), date(9998, 12, 31)


def _day_start(day, plus_days=0):
    day = min(max(day, EARLIEST_DAY), LATEST_DAY) + timedelta(days=plus_days)
    return timezone.make_aware(datetime.combine(day, time.min))


def _tag_match(matching_tags):
    """Exists() of one of the matching tags on the article, or None without any."""
    match = None
    for kind, tax in TAXONOMIES.items():
        ids = [tag.pk for tag in matching_tags if tag.kind == kind]
        if ids:
            found = Exists(
                tax.through.objects.filter(content_object_id=OuterRef("pk"), tag_id__in=ids)
            )
            match = found if match is None else match | found
    return match


def _full_text(articles, text, tag_match):
    from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank

    query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    rank = SearchRank(F("search_vector"), query)
    # Ranking reads every matching row's vector: a word found in most of the archive
    # would cost a scan. Rank only the newest SEARCH_WINDOW matches instead; a news
    # reader wants the relevant among the recent, and the cost stays bounded. Text
    # and tag matches are windowed apart so each uses its own index.
    newest = ("-published_at", "-id")
    window = (
        articles.filter(search_vector=query).order_by(*newest).values("pk")[:SEARCH_WINDOW]
    )
    if tag_match is not None:
        tagged = articles.filter(tag_match).order_by(*newest).values("pk")[:SEARCH_WINDOW]
        window = window.union(tagged)
        rank = rank + Case(
            When(tag_match, then=Value(TAG_MATCH_BONUS)), default=Value(0.0),
            output_field=FloatField(),
        )
    # The snippet is drawn from text without markup: the body's tags are stripped
    # so the highlight never splits an element.
    plain = Concat("standfirst", Value(" "), _strip_markup("body"), output_field=TextField())
    return (
        Article.objects.filter(pk__in=window)
        .defer("body", "search_vector")
        .annotate(
            rank=rank,
            snippet=SearchHeadline(
                plain, query, config=SEARCH_CONFIG, start_sel=MARK_START,
                stop_sel=MARK_STOP, max_words=35, min_words=15, max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .order_by("-rank", "-published_at", "-id")
    )


def _strip_markup(field):
    """SQL that replaces HTML tags in ``field`` by spaces (PostgreSQL)."""
    return Func(F(field), Value(r"<[^>]+>"), Value(" "), Value("g"),
                function="regexp_replace", output_field=TextField())


def query_words(text):
    """The query's words to look for and to exclude (``-word``), bounded in number."""
    include, exclude = [], []
    for token in re.findall(r'-?[^\s"]+', text)[:MAX_WORDS]:
        word = token.strip("-'.,;:!?()[]{}")
        if not word:
            continue
        (exclude if token.startswith("-") else include).append(word)
    return include, exclude


def _word_match(articles, text, tag_match):
    include, exclude = query_words(text)
    if not include and tag_match is None:
        return articles.none()
    words_found = Q()
    for word in include:
        words_found &= (Q(headline__icontains=word) | Q(standfirst__icontains=word)
                        | Q(body__icontains=word))
    matches = words_found if include else Q(pk__in=[])
    if tag_match is not None:
        articles = articles.annotate(tag_match=tag_match)
        matches |= Q(tag_match=True)
    articles = articles.filter(matches)
    for word in exclude:
        articles = articles.exclude(
            Q(headline__icontains=word) | Q(standfirst__icontains=word)
            | Q(body__icontains=word)
        )
    # With the body: the snippet shows where the words are, often past the standfirst.
    return listing(articles).defer(None).defer("search_vector")


def snippet_html(article, text):
    """Safe HTML for a result's snippet, the query's words wrapped in <mark>."""
    raw = getattr(article, "snippet", None)
    if raw:
        # PostgreSQL's snippet is text from sanitised HTML: unescape the entities,
        # escape everything, then turn the private-use markers into <mark>.
        safe = escape(html.unescape(raw))
        return mark_safe(
            safe.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")
        )
    # The plain fallback: a window of text around the first word found, whole words
    # marked (never "in" inside "jointly"), words shorter than three letters left alone.
    words = [w for w in query_words(text)[0] if len(w) >= 3]
    plain = " ".join(f"{article.standfirst} {_plain_text(article)}".split())
    patterns = [re.compile(rf"(?<!\w){re.escape(w)}(?!\w)", re.IGNORECASE) for w in words]
    first = min((m.start() for p in patterns if (m := p.search(plain))), default=0)
    start = plain.rfind(" ", 0, max(0, first - SNIPPET_CONTEXT)) + 1 if first else 0
    window = plain[start:start + SNIPPET_LENGTH]
    window = ("… " if start else "") + window + (" …" if start + SNIPPET_LENGTH < len(plain)
                                                 else "")
    for pattern in patterns:
        window = pattern.sub(lambda m: f"{MARK_START}{m.group(0)}{MARK_STOP}", window)
    safe = escape(window)
    return mark_safe(safe.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>"))


SNIPPET_CONTEXT, SNIPPET_LENGTH = 80, 280


def _plain_text(article):
    if "body" in article.get_deferred_fields():
        return ""
    return html.unescape(strip_tags(article.body.replace("</p>", "</p> ")))
