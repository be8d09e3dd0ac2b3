"""Search: words, phrases and exclusions; tags and aliases; filters; safe output.

Runs on both databases: PostgreSQL uses the stored, trigger-maintained search vector;
SQLite falls back to word matching.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_minister, make_policy

pytestmark = pytest.mark.django_db


def search(client, **params):
    response = client.get(reverse("articles:search"), params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def stories():
    lavrov = make_minister("Sergey Lavrov", aliases=["Lavrov"])
    return {
        "corridor": make_article(
            "Ports agree on a new eastern sea lane", slug="sea-lane",
            standfirst="Chennai and Vladivostok will share cargo schedules.",
            body="<p>The Chennai Vladivostok route cuts sailing time.</p>",
            countries=["IN", "RU"],
        ),
        "wheat": make_article(
            "Wheat exports rise after drought ends", slug="wheat",
            standfirst="Farmers sold more grain abroad.",
            body="<p>Grain shipments left Odesa and Chennai.</p>", countries=["UA"],
        ),
        "lavrov": make_article(
            "Foreign minister visits the capital", slug="minister-visit",
            standfirst="A short visit with few announcements.",
            body="<p>The visit lasted a day.</p>", ministers=[lavrov], countries=["RU"],
        ),
        "draft": make_article(
            "Chennai Vladivostok secret draft", slug="secret-draft",
            status=Article.Status.DRAFT,
        ),
    }


def test_words_in_headline_or_body_find_the_article(client, stories):
    html = search(client, q="Chennai Vladivostok")
    assert "Ports agree on a new eastern sea lane" in html
    assert "Wheat exports" not in html


def test_search_never_shows_unpublished_articles(client, stories):
    assert "secret draft" not in search(client, q="Chennai Vladivostok")


def test_minus_excludes_a_word(client, stories):
    html = search(client, q="Chennai -Vladivostok")
    assert "Wheat exports rise" in html
    assert "eastern sea lane" not in html


def test_alias_of_a_minister_finds_articles_tagged_with_him(client, stories):
    html = search(client, q="Lavrov")
    assert "Foreign minister visits the capital" in html
    assert 'href="/ministers/sergey-lavrov/"' in html


def test_policy_alias_finds_tagged_articles(client):
    policy = make_policy("Make in India", aliases=["Made in India"])
    make_article("Factory opens in Pune", policies=[policy])
    assert "Factory opens in Pune" in search(client, q="Made in India")


def test_matching_words_are_highlighted(client, stories):
    html = search(client, q="Vladivostok")
    assert "<mark>Vladivostok</mark>" in html


def test_country_filter_narrows_results(client, stories):
    html = search(client, q="Chennai", country="ukraine")
    assert "Wheat exports" in html and "eastern sea lane" not in html


def test_minister_and_policy_filters(client, stories):
    assert "Foreign minister visits" in search(client, q="visit", minister="sergey-lavrov")
    assert "Foreign minister visits" not in search(client, q="visit", policy="no-such")


def test_date_range_filter(client):
    now = timezone.now()
    make_article("Old tariff row", published_at=now - timedelta(days=400))
    make_article("New tariff row", published_at=now - timedelta(days=1))
    since = (now - timedelta(days=30)).date().isoformat()
    html = search(client, q="tariff", **{"from": since})
    assert "New tariff row" in html and "Old tariff row" not in html
    html = search(client, q="tariff", to=since)
    assert "Old tariff row" in html and "New tariff row" not in html


def test_malformed_dates_are_ignored(client, stories):
    assert "eastern sea lane" in search(client, q="Chennai", **{"from": "yesterday", "to": "9"})


def test_html_in_the_query_is_shown_escaped(client, stories):
    html = search(client, q='<script>alert("q")</script>')
    assert '<script>alert("q")' not in html
    assert "&lt;script&gt;alert(&quot;q&quot;)&lt;/script&gt;" in html


@pytest.mark.parametrize("q", ["", " ", "\x00", "a" * 5000, "' OR 1=1 --", '"unclosed',
                               "-", "!!!", "\\", "%_%", "Chennai\x00Vladivostok"])
def test_any_query_string_answers_200(client, stories, q):
    search(client, q=q)


def test_empty_search_shows_the_form_without_results(client, stories):
    html = search(client, q="")
    assert 'name="q"' in html and "result" not in html.split("</form>")[1]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search is PostgreSQL's")
def test_postgres_ranks_headline_matches_above_body_matches(client):
    make_article("Sanctions debated", slug="body-only",
                 body="<p>Nobody mentioned pipelines until the end: pipelines.</p>")
    make_article("Pipelines reopen", slug="headline", body="<p>Flows resumed.</p>")
    html = search(client, q="pipelines")
    assert html.index("Pipelines reopen") < html.index("Sanctions debated")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search is PostgreSQL's")
def test_postgres_keeps_the_search_vector_current_on_every_write(db):
    article = make_article("Tariffs on steel", body="<p>Plain text</p>")
    Article.objects.filter(pk=article.pk).update(headline="Quotas on aluminium")
    Article.objects.bulk_create([Article(headline="Bulk story about copper", slug="bulk-copper",
                                         status=Article.Status.PUBLISHED,
                                         published_at=timezone.now())])
    found = Article.objects.filter(search_vector="aluminium")
    assert list(found.values_list("pk", flat=True)) == [article.pk]
    assert Article.objects.filter(search_vector="copper").count() == 1
    assert not Article.objects.filter(search_vector="steel").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search is PostgreSQL's")
def test_postgres_quoted_phrase_matches_words_in_order(client):
    make_article("Free trade pact signed", slug="in-order")
    make_article("Trade is not free, says minister", slug="out-of-order")
    html = search(client, q='"free trade"')
    assert "Free trade pact signed" in html
    assert "Trade is not free" not in html


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search is PostgreSQL's")
def test_postgres_search_uses_the_stored_vector_not_a_computed_one(client, stories):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        search(client, q="Chennai")
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert '"search_vector" @@ (websearch_to_tsquery' in sql
    assert "to_tsvector" not in sql


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search is PostgreSQL's")
def test_postgres_ranks_only_the_newest_matches_of_a_common_word(client, monkeypatch):
    from articles.public import search as search_module

    monkeypatch.setattr(search_module, "SEARCH_WINDOW", 2)
    now = timezone.now()
    for age in (1, 2, 3):
        make_article(f"Harbour report {age}", published_at=now - timedelta(days=age))
    html = search(client, q="harbour")
    assert "Harbour report 1" in html and "Harbour report 2" in html
    assert "Harbour report 3" not in html


def test_minister_filter_accepts_a_typed_name_or_alias(client, stories):
    assert "Foreign minister visits" in search(client, q="visit", minister="Lavrov")
    assert "Foreign minister visits" in search(client, q="visit", minister="sergey lavrov")
    assert "Foreign minister visits" not in search(client, q="visit", minister="Jaishankar")


@pytest.mark.django_db
def test_filters_and_tag_matches_take_whole_names_not_fragments(client):
    """Filtering by Oman does not bring Romania; searching "man" names no country."""
    from tests.factories import make_article, make_minister

    make_article("Muscat port deal", countries=["OM"])
    make_article("Bucharest budget vote", countries=["RO"])
    lavrov = make_minister("Sergey Lavrov", aliases=["Lavrov", "Mr Lavrov"])
    make_article("Moscow briefing", ministers=[lavrov])

    oman = client.get("/search/", {"country": "oman"}).content.decode()
    assert "Muscat port deal" in oman and "Bucharest budget vote" not in oman
    by_alias = client.get("/search/", {"minister": "lavrov"}).content.decode()
    assert "Moscow briefing" in by_alias
    by_fragment = client.get("/search/", {"minister": "lav"}).content.decode()
    assert "Moscow briefing" not in by_fragment

    from articles.public.selectors import search_tag_matches
    fragment = [t.name for t in search_tag_matches("man")]
    assert "Oman" not in fragment and "Germany" not in fragment
    assert [t.name for t in search_tag_matches("what did Lavrov say")] == ["Sergey Lavrov"]


@pytest.mark.django_db
def test_snippet_shows_the_words_where_they_are_marking_whole_words_only(client):
    """Searching "Chennai Vladivostok" shows the body passage, marked; "in" marks nothing."""
    from tests.factories import make_article

    make_article("Shipping plan", standfirst="",
                 body="<p>Officials jointly reviewed ageing ports.</p>"
                      "<p>The Chennai to Vladivostok route opens in spring.</p>")
    page = client.get("/search/", {"q": "Chennai Vladivostok in"}).content.decode()
    assert "<mark>Chennai</mark> to <mark>Vladivostok</mark>" in page
    assert "jo<mark>in</mark>tly" not in page
