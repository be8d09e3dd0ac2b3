"""Article search: weighted full-text search on PostgreSQL, word matching elsewhere.

Both backends also find articles through their tags: a query naming a country, a
minister or a policy (or one of its aliases) finds the articles tagged with it.
"""

import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

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
from django.template.loader import get_template
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from articles.caching import remember, remember_many
from articles.models import Article
from articles.selectors import TAXONOMIES, country_choices, listing, search_tag_matches
from articles.templatetags.card_cache import CARD_TEMPLATE

MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
# Marks where a cached result card takes its snippet (private-use characters around
# a name: not something an article's headline or tags would hold).
SNIPPET_SLOT = "\ue002search-snippet\ue002"
SEARCH_CONFIG = "english"
# Full-text search ranks at most this many of the newest matching articles.
SEARCH_WINDOW = 200
# A tag match lifts an article above one that merely mentions the words once.
TAG_MATCH_BONUS = 0.2
# A phrase is checked against each candidate's stored word positions, so a rare (or
# absent) phrase of common words would read the whole archive (~0.7 s at 100,000
# articles): it is looked for among the newest PHRASE_REACH articles with all its words.
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


def ranked_search(params, matching_tags=()):
    """What the search page lists, for the paginator: the best of the newest matches
    first on PostgreSQL (``RankedResults``), the newest first elsewhere (a queryset).
    """
    if not params.q or not uses_full_text():
        return search_articles(params, matching_tags)
    tag_ids = sorted((tag.kind, tag.pk) for tag in matching_tags)
    ids, lexemes = remember(
        "search-ranking", lambda: _rank(params, matching_tags), SEARCH_WINDOW, PHRASE_REACH,
        params.q, params.country, params.minister, params.policy, params.date_from,
        params.date_to, tag_ids,
    )
    return RankedResults(ids, Highlighter(lexemes, stems=True), window=SEARCH_WINDOW,
                         reach=phrase_reach(params.q))


class RankedResults(Sequence):
    """The ranked article ids of a search; a slice fetches only its own articles.

    The ranking (a few hundred ids) is remembered per content generation, so turning
    the page or repeating a search costs one query for the 20 articles shown.
    """

    def __init__(self, ids, highlighter, *, window, reach=None):
        self.ids = ids
        self.highlighter = highlighter
        # How many of the newest matches were ranked (of each kind, text and tags).
        self.window = window
        # For a phrase: among how many of the newest articles with all its words.
        self.reach = reach

    def __len__(self):
        return len(self.ids)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index:index + 1 or None][0]
        ids = self.ids[index]
        # With the body (the snippet shows where the words are), not the vector. The
        # visibility rule as everywhere: the ranking was remembered, the rows are read now.
        found = Article.objects.published().defer("search_vector").in_bulk(ids)
        return [found[pk] for pk in ids if pk in found]


def highlighter_for(results, text):
    """The highlighter for a page of search results: the query's stems on PostgreSQL,
    its words (three letters or more) elsewhere."""
    if isinstance(results, RankedResults):
        return results.highlighter
    return Highlighter([w for w in query_words(text)[0] if len(w) >= 3])


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


def _tag_bonus(matching_tags):
    """TAG_MATCH_BONUS for an article carrying one of the tags, else 0.

    A subquery per ranked row: as CASE WHEN EXISTS, PostgreSQL hashes every article
    of the tag first (40,000 for India, ~60 ms) to rank a few hundred.
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
    newest = ("-published_at", "-id")
    text_matches = articles.filter(search_vector=query)
    if reach:
        candidates = articles.filter(_Matches(F("search_vector"), _words_in_any_order(query)))
        text_matches = text_matches.filter(
            pk__in=candidates.order_by(*newest).values("pk")[:reach]
        )
    window = text_matches.order_by(*newest).values(*fields)[:size]
    if tag_match is not None:
        tagged = articles.filter(tag_match).order_by(*newest).values(*fields)
        window = window.union(tagged[:size])
    return window


def _rank(params, matching_tags):
    """(ids best first, the query's lexemes): one query over the window.

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
    lexemes = query_lexemes(rows[0]["query_text"]) if rows else []
    return list(dict.fromkeys(r["pk"] for r in rows)), lexemes


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
        .order_by("-published_at", "-id")
        .values(*fields, "is_match")[:reach]
    )
    sql, params = candidates.query.sql_with_params()
    database = connections[candidates.db]
    columns = ", ".join(database.ops.quote_name(name) for name in fields)
    # The candidates come newest first; the window is the first matches of them.
    parts = [f"(SELECT {columns} FROM ({sql}) AS candidates WHERE is_match LIMIT %s)"]
    params = [*params, SEARCH_WINDOW]
    if tag_match is not None:
        tagged = articles.filter(tag_match).order_by("-published_at", "-id")
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


# Endings the English stemmer removes (or the word forms it folds together): a
# lexeme "pipelin" stands for pipeline and pipelines, "trade" for trading and traded.
WORD_ENDINGS = (
    "s|es|ed|d|ing|ings|ingly|edly|ly|y|er|ers|ion|ions|ment|ments|ness|al|ally|ive|ity"
    "|ities|ous|ance|ence|ent|ism|ize|ized|izes|izing|ic|ical|ate|ated|ates|ating|ation"
    "|ations|ful|able|ably|ible"
)
SNIPPET_CONTEXT, SNIPPET_LENGTH = 80, 280
_MARKUP = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"\s+")


def _word_pattern(word, stems):
    """A regular expression for the written forms of a word, or of a stem's family."""
    if not stems:
        return re.escape(word)
    core = word[:-1] if len(word) > 3 and word[-1] in "ei" else word
    # "polici" is written policy or policies; a final e may be dropped ("pipelin").
    join = "(?:i|y|ie)" if word[len(core):] == "i" else "e?"
    # A doubled final consonant: "ship" in shipping.
    double = f"{re.escape(core[-1])}?" if core[-1:].isalpha() and core[-1] not in "aeiouy" else ""
    return f"{re.escape(core)}{double}{join}(?:{WORD_ENDINGS}){{0,2}}(?:'s)?"


class Highlighter:
    """Finds a result's passage where the query's words are and marks them.

    ``stems`` (PostgreSQL's lexemes, stop words already left out) also mark the
    words of the same family ("trading" for "trade"), as the full-text match found
    them; plain words are marked whole only, never "in" inside "jointly".
    """

    def __init__(self, words, *, stems=False):
        words = list(dict.fromkeys(w.lower() for w in words if w))[:MAX_WORDS]
        # One expression per word, each starting with its letters, so the regex engine
        # can skip ahead to them; matched on lower-cased text. Case-insensitive
        # expressions are ten times slower and serve only text whose length lower()
        # changes.
        sources = [rf"{_word_pattern(word, stems)}(?!\w)" for word in words]
        self.patterns = [re.compile(source) for source in sources]
        self.folded = [re.compile(source, re.IGNORECASE) for source in sources]

    def find(self, text):
        """(start, end, which word) of each of the query's words in ``text``, in order."""
        lowered = text.lower()
        patterns = self.patterns
        if len(lowered) != len(text):
            lowered, patterns = text, self.folded
        found = [
            (m.start(), m.end(), i)
            for i, pattern in enumerate(patterns)
            for m in pattern.finditer(lowered)
            if not m.start() or not _is_word_char(text[m.start() - 1])
        ]
        return sorted(found)

    def snippet(self, article):
        """Safe HTML: a passage of the standfirst and body, the query's words in <mark>."""
        text = plain_text(f"{article.standfirst} {_body(article)}").strip()
        found = self.find(text)
        first = _best_passage(found) if found else 0
        start = text.rfind(" ", 0, max(0, first - SNIPPET_CONTEXT)) + 1 if first else 0
        end = start + SNIPPET_LENGTH
        if end < len(text):
            end = max(text.rfind(" ", start + SNIPPET_LENGTH // 2, end), first + 1, end - 40)
        parts = []
        position = start
        for match_start, match_end, _ in found:
            if match_start < position or match_end > end:
                continue
            parts += [_passage(text[position:match_start]), "<mark>",
                      escape(text[match_start:match_end]), "</mark>"]
            position = match_end
        parts.append(_passage(text[position:end]))
        passage = "".join(parts).strip()
        return mark_safe(  # noqa: S308 - every piece of text escaped
            f"{'… ' if start else ''}{passage}{' …' if end < len(text) else ''}"
        )


def _passage(text):
    """Escaped, with runs of spaces (paragraph breaks) folded into one."""
    return escape(_SPACES.sub(" ", text))


def _is_word_char(char):
    return char.isalnum() or char == "_"


def _best_passage(found):
    """Where the passage starts: at the match followed by the most different words."""
    best, best_count = found[0][0], 0
    for i, (start, _, _) in enumerate(found[:50]):
        reach = start + SNIPPET_LENGTH - SNIPPET_CONTEXT
        words = {word for s, _, word in found[i:i + 50] if s < reach}
        if len(words) > best_count:
            best, best_count = start, len(words)
    return best


def plain_text(html_text):
    """Text of sanitised HTML: tags dropped (as spaces), entities decoded.

    Runs of spaces are left for the passage shown to fold: folding a whole body costs
    more than finding the words in it.
    """
    text = _MARKUP.sub(" ", html_text)
    return html.unescape(text) if "&" in text else text


def _body(article):
    return "" if "body" in article.get_deferred_fields() else article.body


def result_cards_html(cards, highlighter):
    """The result cards' HTML in order, each with its snippet.

    A result card is the listing card with a snippet in place of the standfirst. Its
    HTML is rendered once per article version with a slot for the snippet and kept
    like the listing cards (articles.caching), so a search renders no card templates
    once its articles have been shown; each search fills in its own snippets.
    """
    card_template = get_template(CARD_TEMPLATE)

    def render(card, snippet):
        return card_template.render({"card": replace(card, snippet=snippet)})

    def key(card):
        return f"{card.article.pk}.{card.article.version}"

    slotted = {key(card): card for card in cards}
    cached = remember_many(
        "search-card", slotted,
        lambda missing: {k: render(slotted[k], SNIPPET_SLOT) for k in missing},
    )
    html_parts = []
    for card in cards:
        snippet = highlighter.snippet(card.article)
        # An article with no text has no snippet: its card shows what a listing shows.
        part = cached[key(card)].replace(SNIPPET_SLOT, snippet) if snippet else render(card, "")
        html_parts.append(part)
    return mark_safe("".join(html_parts))  # noqa: S308 - rendered by our own templates


def tags_named_in(text):
    """The tags the query names (selectors.search_tag_matches), remembered per content
    generation."""
    if not text:
        return []
    return remember("search-tags", lambda: search_tag_matches(text), text)


def country_options(selected):
    """The country filter's <option>s, A-Z, the one whose slug is ``selected`` chosen.

    Rendered once per content generation: a template loop over 249 countries costs
    more than the rest of the search form.
    """
    options = remember("search-country-options", lambda: "".join(
        format_html('<option value="{}">{}</option>', slug, name)
        for slug, name in country_choices()
    ))
    if selected:
        chosen = format_html('<option value="{}"', selected)
        options = options.replace(f"{chosen}>", f"{chosen} selected>", 1)
    return mark_safe(options)  # noqa: S308 - built with format_html
