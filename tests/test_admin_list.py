"""The editors' article list stays cheap at any size: short tag filters with a search,
a bounded count, date links without a scan of every row, rows rendered once."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.admin.templatetags.admin_list import results
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.admin.articles import ArticleAdmin
from articles.models import Article, Country
from articles.public.pagination import CappedCountPaginator
from tests.factories import country, make_article, make_minister, make_policy

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:articles_article_changelist")


def squeezed(html):
    """HTML without the whitespace between tags."""
    return re.sub(r">\s+<", "><", html)


def sidebar(page, title):
    """The HTML of one filter in the sidebar."""
    start = page.index(f'data-filter-title="{title}"')
    return page[start:page.index("</details>", start)]


def test_tag_filter_offers_the_months_most_covered_not_the_whole_vocabulary(editor_client):
    """249 countries are never listed: the month's most covered ones and a search box."""
    make_article("Recent India story", countries=["IN"])
    make_article("Older Zambia story", countries=["ZM"],
                 published_at=timezone.now() - timedelta(days=400))

    countries = sidebar(editor_client.get(LIST_URL).content.decode(), "country")

    assert f"?country={country('IN').pk}" in countries
    assert "Zambia" not in countries and "Afghanistan" not in countries
    assert countries.count("<li") < 12
    assert 'data-field-name="countries"' in countries  # the admin's autocomplete
    assert 'data-pick-url="?country=__tag__"' in countries


def test_a_tag_found_by_search_filters_the_list_and_shows_as_chosen(editor_client):
    """What the search box does in the browser: find the entry, open its filter link."""
    make_article("Recent India story", countries=["IN"])
    make_article("Older Zambia story", countries=["ZM"],
                 published_at=timezone.now() - timedelta(days=400))

    found = editor_client.get(reverse("admin:autocomplete"), {
        "app_label": "articles", "model_name": "article", "field_name": "countries",
        "term": "zamb",
    }).json()["results"]
    assert found[0]["text"] == "Zambia"
    page = editor_client.get(LIST_URL, {"country": found[0]["id"]}).content.decode()

    assert "Older Zambia story" in page and "Recent India story" not in page
    assert '<li class="selected">\n    <a href="?country=' + found[0]["id"] in sidebar(
        page, "country"
    )


def test_tag_search_finds_an_entry_by_a_former_name_or_alias(editor_client):
    """Typing the wording a story used finds the entry it was merged into."""
    make_policy("Make in India", aliases=["Made in India"])
    found = editor_client.get(reverse("admin:autocomplete"), {
        "app_label": "articles", "model_name": "article", "field_name": "policies",
        "term": "made in",
    }).json()["results"]
    assert [r["text"] for r in found] == ["Make in India"]


def test_tag_search_answers_without_counting_each_entrys_articles(editor_client):
    """Each keystroke in a tag search reads the vocabulary only, never the tag rows."""
    make_article("India story", countries=["IN"])
    with CaptureQueriesContext(connection) as queries:
        found = editor_client.get(reverse("admin:autocomplete"), {
            "app_label": "articles", "model_name": "article", "field_name": "countries",
            "term": "ind",
        }).json()["results"]
    assert found[0]["text"] == "India"
    assert not any("articles_taggedcountry" in q["sql"] for q in queries.captured_queries)
    # The vocabulary's own list still shows how many articles each entry has.
    page = editor_client.get(reverse("admin:articles_country_changelist"), {"q": "India"})
    assert page.context["cl"].result_list[0].article_count == 1


def test_filtering_by_minister_and_policy_found_by_search(editor_client):
    lavrov, policy = make_minister(), make_policy()
    make_article("Old Lavrov story", ministers=[lavrov], policies=[policy],
                 published_at=timezone.now() - timedelta(days=400))
    make_article("Untagged story")
    for params in ({"minister": lavrov.pk}, {"policy": policy.pk}):
        page = editor_client.get(LIST_URL, params).content.decode()
        assert "Old Lavrov story" in page and "Untagged story" not in page


def test_long_list_says_more_than_instead_of_counting_every_row(editor_client, monkeypatch):
    """Past the bound the list says “more than”, and the count query stops there."""
    monkeypatch.setattr(ArticleAdmin, "list_per_page", 2)
    monkeypatch.setattr(CappedCountPaginator, "bound", 4)
    monkeypatch.setattr(CappedCountPaginator, "pages_ahead", 1)
    for i in range(7):
        make_article(f"Story {i}")

    with CaptureQueriesContext(connection) as queries:
        page = editor_client.get(LIST_URL, {"status": "live"}).content.decode()

    assert "More than 4 articles" in page
    assert "Select all matching articles (more than 4 articles)" in page
    assert "Select all 4 articles" not in page
    assert "7 articles" not in page
    counts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(")]
    assert len(counts) == 1 and "LIMIT 5" in counts[0]
    # Paging on counts further: from page 3 the rest of the list is in reach.
    page = editor_client.get(LIST_URL, {"status": "live", "p": 3}).content.decode()
    assert "7 articles" in page and "More than" not in page
    assert 'href="?p=4&amp;status=live"' in page


def test_short_list_gives_the_exact_count(editor_client):
    make_article("Only one")
    page = editor_client.get(LIST_URL, {"status": "live"}).content.decode()
    assert "1 article\n" in page and "More than" not in page


def test_date_links_span_first_to_last_date_without_listing_every_row(editor_client):
    """Year links from the first to the last year; no DISTINCT over the articles."""
    make_article("2019 story", published_at=datetime(2019, 3, 5, 9, tzinfo=UTC))
    make_article("2022 story", published_at=datetime(2022, 6, 5, 9, tzinfo=UTC))
    make_article("2022 later", published_at=datetime(2022, 9, 8, 9, tzinfo=UTC))

    with CaptureQueriesContext(connection) as queries:
        page = editor_client.get(LIST_URL).content.decode()
    assert not any("DISTINCT" in q["sql"] for q in queries.captured_queries)
    for year in (2019, 2020, 2021, 2022):
        assert f'href="?published_at__year={year}">{year}</a>' in page

    months = editor_client.get(LIST_URL, {"published_at__year": 2022}).content.decode()
    assert "June 2022" in months and "September 2022" in months
    assert "May 2022" not in months and "October 2022" not in months
    assert "2022 later" in months and "2019 story" not in months

    days = editor_client.get(
        LIST_URL, {"published_at__year": 2022, "published_at__month": 9}
    ).content.decode()
    assert 'published_at__day=8' in days and "2022 story" not in days


def test_rows_are_what_djangos_own_list_renders(editor_client):
    """The list's fast rows are the same HTML as Django's, cell for cell."""
    lavrov = make_minister()
    make_article("Ties & <b>tariffs</b>", countries=["IN", "RU"], ministers=[lavrov])
    make_article("Tomorrow's story", published_at=timezone.now() + timedelta(days=1),
                 bylines="")
    make_article("A draft", status=Article.Status.DRAFT)

    response = editor_client.get(LIST_URL, {"o": "2", "q": "story"})
    cl = response.context["cl"]
    django_rows = ["".join(cells) for cells in results(cl)]

    assert cl.result_table()["rows"] == django_rows
    page = response.content.decode()
    assert "Tomorrow&#x27;s story" in page
    action_form = "".join(
        f"<label>{field.label} {field}</label>" if field.label else str(field)
        for field in response.context["action_form"]
    )
    assert squeezed(action_form) in squeezed(page)
    response = editor_client.get(LIST_URL)
    cl = response.context["cl"]
    assert cl.result_table()["rows"] == ["".join(cells) for cells in results(cl)]
    # A popup picking an article keeps Django's rows (their links answer the opener).
    popup = editor_client.get(LIST_URL, {"_popup": 1}).content.decode()
    assert "data-popup-opener=" in popup
    assert "Ties &amp; &lt;b&gt;tariffs&lt;/b&gt;" in response.content.decode()


def test_filtered_list_page_is_a_fixed_handful_of_queries(
    editor_client, django_assert_max_num_queries
):
    """Session, user, the device that passed the second step, the chosen tag, a bounded
    count, the rows and the first and last dates (the month's most covered is
    remembered): the same for 3 articles or 100,000."""
    lavrov, policy = make_minister(), make_policy()
    for i in range(30):
        make_article(f"Story {i}", countries=["IN", "RU"], ministers=[lavrov],
                     policies=[policy])
    russia = Country.objects.get(code="RU").pk
    editor_client.get(LIST_URL)  # the month's most covered is remembered after this
    with django_assert_max_num_queries(8):
        response = editor_client.get(LIST_URL, {"status": "live", "country": russia})
    assert response.content.decode().count("Sergey Lavrov") >= 30


@pytest.mark.parametrize("query", ["p=100000000000000000", "country=²", "minister=¹²"])
def test_crafted_page_numbers_and_tag_ids_are_refused_without_a_server_error(
    editor_client, query
):
    make_article("Any story")
    response = editor_client.get(f"{reverse('admin:articles_article_changelist')}?{query}")
    assert response.status_code in (200, 302)
