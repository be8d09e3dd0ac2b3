"""Article search: weighted full-text search on PostgreSQL, word matching elsewhere.

Both backends also find articles through their tags: a query naming a country, a
minister or a policy (or one of its aliases) finds the articles tagged with it.

One module of about 430 lines on purpose: the query parsing, the two backends and the
ranking window answer one question together and change together; split, each part
would only make sense read beside the others.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, connections
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Extract
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles.caching import dependencies, search_words
from articles.caching.state import remember
from articles.models import TAXONOMIES, Article
from articles.platform.dates import clamp_day, day_start
from articles.public.highlight import MAX_WORDS, Highlighter
from articles.public.selectors import (
    country_choices,
    listing,
    search_tag_matches,
)

MAX_QUERY_LENGTH = 200
SEARCH_CONFIG = "english"
# Full-text search ranks at most this many of the newest matching articles.
SEARCH_WINDOW = 200
# A tag match lifts an article above one that merely mentions the words once.
TAG_MATCH_BONUS = 0.2
# A phrase is checked against each candidate's stored word positions, so a rare (or
# absent) phrase of common words would read the whole archive: it is looked for among
# the newest PHRASE_REACH articles with all its words.
PHRASE_REACH = 2000


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


# The query parameters of a search (besides ?page=); any other is ignored, and never
# repeated in the page's links, which the page cache shares between them.
SEARCH_PARAMETERS = ("q", "country", "minister", "policy", "from", "to")


def search_query_string(query_dict):
    """The search's own parameters of a query string, in a fixed order, URL-encoded."""
    own = QueryDict(mutable=True)
    for name in SEARCH_PARAMETERS:
        if name in query_dict:
            own.setlist(name, query_dict.getlist(name))
    return own.urlencode()


def uses_full_text():
    return connection.vendor == "postgresql"


def search_articles(params, matching_tags=(), *, newest=SEARCH_WINDOW):
    """Published articles matching the search, newest first; a lazy queryset (feeds).

    ``matching_tags`` (TagLinks whose name or alias matched the query, from
    ``selectors.search_tag_matches``) adds the articles carrying those tags. On
    PostgreSQL these are the ``newest`` matches (a feed needs only its own size).
    """
    articles = _apply_filters(Article.objects.published(), params)
    if not params.q:
        return listing(articles)
    tag_match = _tag_match(matching_tags)
    if uses_full_text():
        window = _window(articles, _search_query(params.q), tag_match, ("pk",), newest,
                         phrase_reach(params.q))
        return listing(Article.objects.filter(pk__in=window))
    return _word_match(articles, params.q, tag_match)


def search_dependencies(params, matching_tags=()):
    """What a search's results depend on (``articles.caching.dependencies``; the cards
    shown add their articles). On PostgreSQL: the searches for its words (a write
    changes those of the words it adds, removes or moves), the tags it names (their
    articles are found too) and, with filters or none, what is public; elsewhere, every
    write to a public article."""
    if params.is_empty:
        return {dependencies.VOCABULARY}  # the form alone: its list of countries
    if not uses_full_text():
        return {dependencies.SEARCH}
    found = {dependencies.tag(tag.kind, tag.pk) for tag in matching_tags}
    if params.has_filters or not params.q:
        found.add(dependencies.PUBLISHED)
    return found


def _word_keys(text, query_text):
    """The keys of the searches for every word the search looks for or excludes, from
    its tsquery as a query of the results wrote it (``query_text``), else asked for
    (no results)."""
    if query_text is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT websearch_to_tsquery(%s::regconfig, %s)::text",
                           [SEARCH_CONFIG, text])
            query_text = cursor.fetchone()[0]
    found = search_words.keys(search_words.lexemes(query_text))
    if "!" in query_text:
        # A word excluded ("-tariff", "oil or -gas") lets in stories that have none of
        # the words: any publication may join the results.
        found.add(dependencies.PUBLISHED)
    return frozenset(found)


def newest_matches(params, matching_tags, size):
    """The ids of the newest ``size`` matches, newest first (a feed); what they depend
    on is recorded (search_dependencies(), and on PostgreSQL the search's words)."""
    dependencies.record(*search_dependencies(params, matching_tags))
    if params.is_empty:
        return []
    articles = search_articles(params, matching_tags, newest=size)
    if not params.q or not uses_full_text():
        return list(articles.values_list("pk", flat=True)[:size])
    rows = list(articles.annotate(query_text=Cast(_search_query(params.q), TextField()))
                .values_list("pk", "query_text")[:size])
    dependencies.record(*_word_keys(params.q, rows[0][1] if rows else None))
    return [pk for pk, _ in rows]


def ranked_search(params, matching_tags=()):
    """What the search page lists, for the paginator: the best of the newest matches
    first on PostgreSQL (``SearchResults``), the newest first elsewhere (a queryset).
    """
    if not params.q or not uses_full_text():
        return search_articles(params, matching_tags)
    tag_ids = sorted((tag.kind, tag.pk) for tag in matching_tags)
    ids, lexemes, word_keys = remember(
        "search-ranked", lambda: _rank(params, matching_tags), SEARCH_WINDOW, PHRASE_REACH,
        params.q, params.country, params.minister, params.policy, params.date_from,
        params.date_to, tag_ids, depends_on=search_dependencies(params, matching_tags),
    )
    return SearchResults(ids, window=SEARCH_WINDOW, reach=phrase_reach(params.q),
                         highlighter=Highlighter(lexemes, stems=True), word_keys=word_keys)


@dataclass(frozen=True, eq=False)
class SearchResults(Sequence):
    """A ranked search: its article ids, best first, and how they were found. A slice
    fetches only its own articles.

    The ranking (a few hundred ids) is remembered per content generation, so turning
    the page or repeating a search costs one query for the articles shown.
    """

    ids: list
    window: int  # how many of the newest matches were ranked (of each kind, text and tags)
    reach: int | None  # for a phrase: among how many of the newest articles with its words
    highlighter: Highlighter
    # The keys of the searches for its words: what a write must name to change it.
    word_keys: frozenset = frozenset()

    def __len__(self):
        return len(self.ids)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index:index + 1 or None][0]
        ids = self.ids[index]
        # With the body (the snippet shows where the words are), not the vector. The
        # visibility rule as everywhere: the ranking was remembered, the rows are read now.
        found = (Article.objects.published().defer("search_vector")
                 .select_related("hero_image").in_bulk(ids))
        return [found[pk] for pk in ids if pk in found]


def highlighter_for(results, text):
    """The highlighter for a page of search results: the query's stems on PostgreSQL,
    its words (three letters or more) elsewhere."""
    if isinstance(results, SearchResults):
        return results.highlighter
    return Highlighter([w for w in query_words(text)[0] if len(w) >= 3])


def _apply_filters(articles, params):
    for kind, tax in TAXONOMIES.items():
        value = getattr(params, kind)
        if value:
            # A slug from a link, or a whole name or alias typed in ("Lavrov").
            tags = tax.model.objects.named(value, slug=True)
            articles = articles.filter(
                pk__in=tax.through.objects.filter(tag__in=tags).values("content_object_id")
            )
    if params.date_from:
        articles = articles.filter(published_at__gte=day_start(clamp_day(params.date_from)))
    if params.date_to:
        day_after = clamp_day(params.date_to) + timedelta(days=1)
        articles = articles.filter(published_at__lt=day_start(day_after))
    return articles


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


def _tag_bonus(matching_tags):
    """TAG_MATCH_BONUS for an article carrying one of the tags, else 0.

    A subquery per ranked row: as CASE WHEN EXISTS, PostgreSQL hashes every article
    of the tag first (all of a big country's) to rank the few in the window.
    """
    bonus = Value(TAG_MATCH_BONUS, output_field=FloatField())
    found = [
        Subquery(
            tax.through.objects.filter(content_object_id=OuterRef("pk"), tag_id__in=ids)
            .annotate(bonus=bonus).values("bonus")[:1]
        )
        for kind, tax in TAXONOMIES.items()
        if (ids := [tag.pk for tag in matching_tags if tag.kind == kind])
    ]
    return Coalesce(*found, Value(0.0), output_field=FloatField())


def _search_query(text):
    from django.contrib.postgres.search import SearchQuery

    return SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)


def phrase_reach(text):
    """PHRASE_REACH when PostgreSQL will look for words in order, else None.

    A quoted phrase, or a word its parser splits ("free-trade", "d'Ivoire"). Not with
    an excluded word: dropping the order inside "-\"free market\"" would exclude more.
    """
    if re.search(r"(?:^|\s)-", text):
        return None
    return PHRASE_REACH if '"' in text or re.search(r"\w['_-]\w", text) else None


class _Matches(Func):
    """``vector @@ query`` for a query that is an expression, not typed text."""

    template = "%(expressions)s"
    arg_joiner = " @@ "
    output_field = BooleanField()


def _words_in_any_order(query):
    """The query with the word order of its phrases dropped: 'a' <-> 'b' as 'a' & 'b'.

    The tsquery's own lexemes, so no stemming twice; PostgreSQL computes it once, when
    it plans the query. Without positions to check, the GIN index answers it alone.
    """
    from django.contrib.postgres.search import SearchQueryField

    text = Cast(query, TextField())
    order_dropped = Func(text, Value("<[0-9-]+>"), Value("&"), Value("g"),
                         function="regexp_replace", output_field=TextField())
    return Cast(order_dropped, SearchQueryField())


def _window(articles, query, tag_match, fields, size, reach=None):
    """The newest ``size`` text matches, and as many tag matches: ``fields`` of each.

    Ranking reads every candidate's vector, so a word found in most of the archive
    would cost a scan: a news reader wants the relevant among the recent, and the cost
    stays bounded. Text and tag matches are windowed apart so each uses its own index.
    With a ``reach``, text matches are looked for only among the newest ``reach``
    articles holding all the words (phrase_reach()).
    """
    text_matches = articles.filter(search_vector=query)
    if reach:
        candidates = articles.filter(_Matches(F("search_vector"), _words_in_any_order(query)))
        text_matches = text_matches.filter(
            pk__in=candidates.newest_first().values("pk")[:reach]
        )
    window = text_matches.newest_first().values(*fields)[:size]
    if tag_match is not None:
        tagged = articles.filter(tag_match).newest_first().values(*fields)
        window = window.union(tagged[:size])
    return window


def _rank(params, matching_tags):
    """(ids best first, the query's lexemes, the keys of its words): one query over the
    window (a second without results, for the words).

    Each candidate is ranked as it is found, in the same scan: no second lookup of the
    window's rows, and only ids and ranks travel. Headline words weigh most
    (the vector's weight A), then the standfirst's (B); a tag named in the query lifts
    its articles above those that merely mention the words.
    """
    from django.contrib.postgres.search import SearchRank

    articles = _apply_filters(Article.objects.published(), params)
    query = _search_query(params.q)
    tag_match = _tag_match(matching_tags)
    rank = SearchRank(F("search_vector"), query)
    if tag_match is not None:
        rank = rank + _tag_bonus(matching_tags)
    # Equal ranks go newest first; the time as seconds, which read faster than dates.
    published = Cast(Extract("published_at", "epoch"), FloatField())
    articles = articles.annotate(
        rank=rank, published=published, query_text=Cast(query, TextField())
    )
    fields = ("pk", "published", "rank", "query_text")
    reach = phrase_reach(params.q)
    if reach:
        rows = _phrase_rows(articles, query, tag_match, fields, reach)
    else:
        rows = list(_window(articles, query, tag_match, fields, SEARCH_WINDOW))
    rows.sort(key=lambda r: (r["rank"], r["published"], r["pk"]), reverse=True)
    query_text = rows[0]["query_text"] if rows else None
    lexemes = query_lexemes(query_text) if rows else []
    word_keys = _word_keys(params.q, query_text)
    dependencies.record(*word_keys)
    return list(dict.fromkeys(r["pk"] for r in rows)), lexemes, word_keys


def _phrase_rows(articles, query, tag_match, fields, reach):
    """``fields`` of the newest SEARCH_WINDOW phrase matches among the newest ``reach``
    articles with all the phrase's words (one scan, which stops at the window's end),
    and of as many tag matches.

    The phrase is tested in the scan that finds the candidates (PostgreSQL has no
    subquery in FROM through the ORM, hence the SQL around the compiled queryset), so
    each candidate's row is read once; only matches are ranked.
    """
    is_match = _Matches(F("search_vector"), query)
    candidates = (
        articles.filter(_Matches(F("search_vector"), _words_in_any_order(query)))
        .annotate(is_match=is_match,
                  rank=Case(When(is_match, then=F("rank")), default=Value(0.0)))
        .newest_first()
        .values(*fields, "is_match")[:reach]
    )
    sql, params = candidates.query.sql_with_params()
    database = connections[candidates.db]
    columns = ", ".join(database.ops.quote_name(name) for name in fields)
    # The candidates come newest first; the window is the first matches of them.
    parts = [f"(SELECT {columns} FROM ({sql}) AS candidates WHERE is_match LIMIT %s)"]
    params = [*params, SEARCH_WINDOW]
    if tag_match is not None:
        tagged = articles.filter(tag_match).newest_first()
        tagged_sql, tagged_params = tagged.values(*fields)[:SEARCH_WINDOW].query.sql_with_params()
        parts.append(f"({tagged_sql})")
        params += tagged_params
    with database.cursor() as cursor:
        cursor.execute(" UNION ".join(parts), params)
        return [dict(zip(fields, row, strict=True)) for row in cursor.fetchall()]


def query_lexemes(tsquery):
    """The lexemes a tsquery (as text) looks for, leaving out negated ones (``!'oil'``)."""
    lexemes, negated, depth = [], [], 0
    for token in re.findall(r"!|\(|\)|'(?:[^']|'')*'", tsquery):
        if token == "!":
            negated.append(depth)
        elif token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
            while negated and negated[-1] > depth:
                negated.pop()
        else:
            if negated and negated[-1] == depth:
                negated.pop()
            elif not negated:
                lexemes.append(token[1:-1].replace("''", "'"))
    return list(dict.fromkeys(lexemes))


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


def tags_named_in(text):
    """The tags the query names (selectors.search_tag_matches), remembered per content
    generation."""
    if not text:
        return []
    return remember("search-tags", lambda: search_tag_matches(text), text,
                    depends_on={dependencies.VOCABULARY})


def country_options(selected):
    """The country filter's <option>s, A-Z, the one whose slug is ``selected`` chosen.

    Rendered once per content generation: a template loop over 249 countries costs
    more than the rest of the search form.
    """
    options = remember("search-country-options", lambda: "".join(
        format_html('<option value="{}">{}</option>', slug, name)
        for slug, name in country_choices()
    ), depends_on=())  # the vocabulary: a renamed entry renews everything
    if selected:
        chosen = format_html('<option value="{}"', selected)
        options = options.replace(f"{chosen}>", f"{chosen} selected>", 1)
    return mark_safe(options)  # noqa: S308 - built with format_html
