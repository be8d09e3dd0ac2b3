"""Search results as a reader sees them: order, pages, snippets and result cards.

The page cache is off here, so each search goes through the remembered ranking and
the cached result cards, which must follow every change at once.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.editorial.services import article_withdraw
from tests.factories import make_article, make_minister

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search is PostgreSQL's"
)


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.NEWSROOM_PAGE_CACHE = False


def search(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    return response.content.decode()


def snippets(html):
    return [part.split("</p>")[0] for part in html.split('<p class="card__snippet">')[1:]]


def test_each_search_shows_its_own_snippet_in_a_shared_result_card(client):
    """The card is kept once per article; the words marked are the search's own."""
    make_article("Port talks", standfirst="",
                 body="<p>Freight rates rose in Chennai while Vladivostok waited.</p>")
    first = search(client, q="Chennai")
    second = search(client, q="Vladivostok")
    assert "<mark>Chennai</mark>" in first and "<mark>Vladivostok</mark>" not in first
    assert "<mark>Vladivostok</mark>" in second and "<mark>Chennai</mark>" not in second


def test_a_result_card_follows_an_edit_at_once(client):
    article = make_article("Harbour dues rise", body="<p>Harbour dues rose.</p>")
    assert "Harbour dues rise" in search(client, q="harbour")
    article.headline = "Harbour dues double"
    article.version += 1
    article.save()
    html = search(client, q="harbour")
    assert "Harbour dues double" in html and "Harbour dues rise" not in html


def test_new_and_withdrawn_articles_show_in_a_repeated_search_at_once(client, editor):
    first = make_article("Harbour report one", body="<p>Harbour news.</p>")
    assert "Harbour report one" in search(client, q="harbour")
    make_article("Harbour report two", body="<p>More harbour news.</p>")
    assert "Harbour report two" in search(client, q="harbour")
    article_withdraw(article=first, by=editor)
    assert "Harbour report one" not in search(client, q="harbour")


def test_snippet_text_is_escaped_once(client):
    make_article("Cable deal", standfirst="",
                 body="<p>Tariffs on AT&amp;T &lt;b&gt; cables fell.</p>")
    assert "AT&amp;T &lt;b&gt; <mark>cables</mark> fell." in search(client, q="cables")


def test_country_filter_shows_the_chosen_country(client):
    make_article("Muscat port deal", countries=["OM"])
    html = search(client, q="port", country="oman")
    assert '<option value="oman" selected>Oman</option>' in html
    assert '<option value="romania">Romania</option>' in html


def test_pages_of_results_neither_repeat_nor_skip_an_article(client):
    now = timezone.now()
    for i in range(25):
        make_article(f"Convoy report {i:02}", slug=f"convoy-{i}",
                     published_at=now - timedelta(hours=i))
    pages = [search(client, q="convoy"), search(client, q="convoy", page=2)]
    shown = [f"Convoy report {i:02}" for i in range(25)]
    counts = [sum(page.count(f">{headline}<") for page in pages) for headline in shown]
    assert counts == [1] * 25


@postgres_only
def test_postgres_words_of_the_same_family_are_marked_but_not_a_phrases_stop_words(client):
    make_article("Ministers meet", standfirst="",
                 body="<p>Trading resumed. The ministers met to discuss the pipelines.</p>")
    trade = search(client, q="trade")
    assert "<mark>Trading</mark> resumed" in trade
    phrase = search(client, q='"discuss the pipeline"')
    assert "<mark>discuss</mark> the <mark>pipelines</mark>" in phrase


@postgres_only
def test_postgres_snippet_shows_the_passage_that_holds_the_whole_phrase(client):
    filler = " ".join(["Officials reviewed the budget."] * 30)
    make_article("Energy talks", standfirst="Pipeline politics.",
                 body=f"<p>{filler}</p><p>Both sides agreed to discuss the pipeline.</p>")
    [snippet] = snippets(search(client, q='"discuss the pipeline"'))
    assert "<mark>discuss</mark> the <mark>pipeline</mark>" in snippet
    assert snippet.startswith("… ")


@postgres_only
def test_postgres_excluded_words_are_never_marked(client):
    make_article("Tariff talks", standfirst="",
                 body="<p>Tariff talks were not free of rancour.</p>")
    [snippet] = snippets(search(client, q='tariff -"free trade"'))
    assert "<mark>Tariff</mark>" in snippet and "<mark>free" not in snippet


@postgres_only
def test_postgres_a_tag_named_in_the_query_ranks_above_a_passing_mention(client):
    lavrov = make_minister("Sergey Lavrov", aliases=["Lavrov"])
    now = timezone.now()
    make_article("Moscow briefing", ministers=[lavrov], published_at=now - timedelta(days=2),
                 standfirst="A statement on shipping.", body="<p>No names.</p>")
    make_article("Shipping notes", published_at=now - timedelta(days=1),
                 body="<p>Among many others, Lavrov was mentioned once.</p>")
    html = search(client, q="Lavrov")
    assert html.index("Moscow briefing") < html.index("Shipping notes")


@postgres_only
def test_postgres_repeated_search_reads_only_the_articles_shown(client):
    """The ranking, the tags named and the result cards are remembered: one query."""
    for i in range(3):
        make_article(f"Convoy report {i}", slug=f"convoy-{i}")
    search(client, q="convoy")
    with CaptureQueriesContext(connection) as queries:
        html = search(client, q="convoy")
    assert html.count('<article class="card') == 3
    assert len(queries) == 1, [q["sql"][:80] for q in queries.captured_queries]


@postgres_only
def test_postgres_headline_then_standfirst_then_body_matches(client):
    now = timezone.now()
    make_article("Budget vote", slug="body", published_at=now - timedelta(hours=1),
                 standfirst="Members argued late.", body="<p>A word on sanctions.</p>")
    make_article("Budget row", slug="standfirst", published_at=now - timedelta(hours=2),
                 standfirst="Sanctions split the chamber.", body="<p>Members argued.</p>")
    make_article("Sanctions widened", slug="headline", published_at=now - timedelta(hours=3),
                 standfirst="Members argued late.", body="<p>Members argued.</p>")
    html = search(client, q="sanctions")
    assert html.index("Sanctions widened") < html.index("Budget row") < html.index("Budget vote")


@postgres_only
def test_postgres_a_common_word_ranks_the_latest_matches_and_says_so(client, monkeypatch):
    from articles.public import search as search_module

    monkeypatch.setattr(search_module, "SEARCH_WINDOW", 3)
    now = timezone.now()
    for age in range(5):
        make_article(f"Convoy report {age}", published_at=now - timedelta(days=age))
    html = search(client, q="convoy")
    assert "The most relevant of the latest 3 matches" in html
    assert html.count('<article class="card') == 3
    assert "Convoy report 3" not in html and "Convoy report 4" not in html


@postgres_only
def test_postgres_a_phrase_is_looked_for_among_the_latest_articles_with_its_words(
    client, monkeypatch
):
    """Each candidate's word positions are read: the reach is bounded, and said so;
    dates reach further back."""
    from articles.public import search as search_module

    monkeypatch.setattr(search_module, "PHRASE_REACH", 3)
    now = timezone.now()
    for age in range(3):
        make_article(f"Pipeline update {age}", published_at=now - timedelta(days=age),
                     body="<p>The pipeline is what ministers will discuss.</p>")
    make_article("Old pipeline talks", published_at=now - timedelta(days=30),
                 body="<p>Ministers met to discuss the pipeline.</p>")
    html = search(client, q='"discuss the pipeline"')
    assert "0 results among the latest 3 articles with all these words" in html
    assert "Old pipeline talks" not in html
    before = (now - timedelta(days=10)).date().isoformat()
    older = search(client, q='"discuss the pipeline"', to=before)
    assert "Old pipeline talks" in older
    assert "<mark>discuss</mark> the <mark>pipeline</mark>" in older


@postgres_only
def test_postgres_a_quoted_name_finds_its_phrase_and_its_tag_once_each(client):
    lavrov = make_minister("Sergey Lavrov", aliases=["Lavrov"])
    make_article("Moscow briefing", ministers=[lavrov], body="<p>No names here.</p>")
    make_article("Talks in Geneva", body="<p>Sergey Lavrov spoke first.</p>")
    make_article("Both at once", ministers=[lavrov], body="<p>Sergey Lavrov spoke.</p>")
    make_article("Other Sergey", body="<p>Sergey met Mr Lavrov's deputy.</p>")
    html = search(client, q='"Sergey Lavrov"')
    for headline in ("Moscow briefing", "Talks in Geneva", "Both at once"):
        assert html.count(f">{headline}<") == 1
    assert "Other Sergey" not in html
