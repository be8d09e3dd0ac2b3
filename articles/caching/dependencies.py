"""Dependency keys: what a cached page or remembered value shows, named so that a write
can make stale exactly what shows what it changed (``articles.caching.state``).

- ``article:<id>``: one article as readers see it (its page, its card anywhere);
  changed by any write to a public-facing article or its tags.
- ``article-notes:<id>``: one article's corrections and clarifications (the notes and
  the "Updated" time of its page, its API article); changed by a note added, edited or
  deleted. No card, listing, related list or search result shows them, so a correction
  leaves those cached.
- ``published``: which articles are public, in what order (the home page, the latest
  feed, the tag indexes' counts, the archive index); changed by a publication, a
  withdrawal, a new publication time or address, a tag added or removed.
- ``<taxonomy>:<id>`` (``country:5``): one tag's listing (all its pages, its feed, its
  bilateral pages, its coverage chart); changed as ``published``, for an article carrying
  the tag, and for a country, by a minister of it new to the vocabulary.
- ``mentions:<taxonomy>:<id>`` (``mentions:country:5``): the public stories that mention
  a tag (the count on its page, its mentions listing and feed); changed when an article's
  mentions change, and as ``published`` for an article mentioning it.
- ``archive:<yyyy>``, ``archive:<yyyy-mm>``: a year's and a month's archive; changed as
  ``published``, for an article of that year and month.
- ``author:<id>``: one author as readers see them (their page's header, every byline
  naming them); changed by an edit of the author.
- ``author-articles:<id>``: one author's listing (their page and feed); changed as
  ``published``, for an article they wrote.
- ``authors``: which authors there are (the authors' index, finding one by slug);
  changed by an author added, edited or deleted.
- ``corrections``: the corrections page; changed by a correction or clarification of a
  public-facing article, and as ``published`` for an article that has one.
- ``front-page``: which stories editors pinned to the home page, in what order;
  changed by any write to the front page's slots (publishing or withdrawing a pinned
  story changes ``published``, which the home page shows too).
- ``image:<id>``: one image of the library as pages show it (its alt text, caption,
  credit, renditions), wherever it appears; changed by any write to the image.
- ``search:<lexeme>`` (``search:tariff``): the full-text searches (PostgreSQL) for a
  word, by its stem as PostgreSQL's English configuration makes it; changed when a
  public article that has the word, before or after the write, joins or leaves the
  results or moves among them (a publication, a withdrawal, a new time: all its words;
  an edit: the words whose count or weight it changed). A search's ranking also
  depends on the tags it names and, when filtered, on ``published``.
- ``search``: changed by any write to a public-facing article: what the search on
  other databases (word matching) and lists narrowed by update time show.
- ``sitemap``: changed by any write to a public-facing article.
- ``vocabulary``: which entries the vocabulary has (the tags a search names); changed
  by an entry added (renamed or deleted ones renew everything).
- ``any``: changed by every write; a page whose view names nothing depends on it.

A vocabulary entry renamed, merged or deleted shows on pages of every kind: its write
names ``EVERYTHING``, which renews the epoch (everything stale), as a scheduled article
coming due does.

Views name the keys of the page they render, and cards and remembered values add
theirs as they are read, with ``record()``, so a page's keys are everything it
shows. The keys of a page are sent to the edge cache too (``xkey``).

What moves with the clock alone says when, with ``record_until()``: a page lives until
one of its keys changes or that moment comes, whichever is first (and at most
``NEWSROOM_PAGE_CACHE_TIMEOUT``). A remembered value passes its moment on to every
page that reads it.
"""

import contextlib
import contextvars
import hashlib
import math
from urllib.parse import quote

# Stands for every key: the epoch is renewed.
EVERYTHING = "*"
# Changed by every write: what a page that names nothing it shows depends on.
ANY_CHANGE = "any"
PUBLISHED = "published"
FRONT_PAGE = "front-page"
SEARCH = "search"
SITEMAP = "sitemap"
VOCABULARY = "vocabulary"
CORRECTIONS = "corrections"
# Which authors there are, by name and slug: the authors' index and slug lookups.
AUTHORS = "authors"


def article(article_id):
    return f"article:{article_id}"


def search_word(lexeme):
    """The searches for a word (a lexeme of PostgreSQL's English configuration): the key
    is safe in a header (``xkey``) and bounded in length, whatever the word."""
    token = quote(lexeme, safe="")
    if len(token) > 40:
        token = "#" + hashlib.blake2b(lexeme.encode(), digest_size=10).hexdigest()
    return f"search:{token}"


def article_notes(article_id):
    return f"article-notes:{article_id}"


def tag(taxonomy_key, tag_id):
    return f"{taxonomy_key}:{tag_id}"


def mentions(taxonomy_key, tag_id):
    """The stories that mention a tag (its "also mentioned in" count, list and feed)."""
    return f"mentions:{taxonomy_key}:{tag_id}"


def author(author_id):
    return f"author:{author_id}"


def author_articles(author_id):
    return f"author-articles:{author_id}"


def image(image_id):
    return f"image:{image_id}"


def archive(year, month=None):
    return f"archive:{year:04d}" if month is None else f"archive:{year:04d}-{month:02d}"


def archive_of(moment):
    """The year and month archive keys of a (local) publication time."""
    from django.utils import timezone

    local = timezone.localtime(moment)
    return {archive(local.year), archive(local.year, local.month)}


class Collected(set):
    """The keys recorded for what is being rendered, and ``until``: the soonest moment
    (epoch seconds) at which something it shows changes with the clock alone (a related
    list taking in newer stories, a coverage chart's new month), infinity for never."""

    until = math.inf


# The sets of keys being collected: the page's, and one per remembered value being
# computed inside it. A read records its keys in all of them.
_collectors = contextvars.ContextVar("newsroom_dependency_collectors", default=())


@contextlib.contextmanager
def collecting():
    """Collect the keys recorded inside; yields the set they are added to (Collected)."""
    keys = Collected()
    token = _collectors.set((*_collectors.get(), keys))
    try:
        yield keys
    finally:
        _collectors.reset(token)


def recorded():
    """The keys recorded so far for what is being rendered (the page, and any value
    being computed inside it)."""
    return frozenset().union(*_collectors.get())


def recorded_until():
    """The soonest moment recorded so far (``record_until``) for what is being rendered."""
    return min((collected.until for collected in _collectors.get()), default=math.inf)


def record(*keys):
    """What is being read depends on ``keys``."""
    for collected in _collectors.get():
        collected.update(keys)


def record_until(moment):
    """What is being read changes with the clock alone at ``moment`` (epoch seconds):
    the page (and any value computed inside it) must be rendered afresh by then."""
    for collected in _collectors.get():
        collected.until = min(collected.until, moment)
