"""The editors' article list stays cheap at any size: short tag filters with a search,
a bounded count, date links without a scan of every row, rows that read no more."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.admin.templatetags.admin_list import results
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.admin.articles import ArticleAdmin
from articles.admin.workflow_buttons import newsroom_time
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


def rows(page):
    """The list's rows, each as its HTML."""
    body = page[page.index("<tbody>"):page.index("</tbody>")]
    return re.findall(r"<tr>(.*?)</tr>", squeezed(body), re.S)


def test_rows_show_the_columns_an_editor_reads_with_links_to_edit(editor_client):
    """Each row: a checkbox, the headline linking to its form (keeping the list's
    filters), status, the three taxonomies in one column, bylines, and the publication
    and last-saved times as a day and a 24-hour time in the newsroom's zone."""
    lavrov = make_minister()
    story = make_article("Ties & <b>tariffs</b>", countries=["IN", "RU"],
                         ministers=[lavrov], authors=())
    later = make_article("Tomorrow's story", published_at=timezone.now() + timedelta(days=1))

    page = editor_client.get(LIST_URL, {"q": "t", "o": "-5"}).content.decode()

    headers = re.findall(r'<th scope="col" class="([^"]*)"', page)
    assert headers == [
        "action-checkbox-column", "sortable column-headline", "sortable column-status_label",
        "column-tag_list", "sortable column-bylines",
        "sortable column-published sorted descending", "sortable column-saved",
    ]
    for text in ("Headline", "Status", "Tags", "Bylines", "Published", "Saved"):
        assert f">{text}</" in page
    first, second = rows(page)
    edit = reverse("admin:articles_article_change", args=[later.pk])
    assert (f'<th class="field-headline"><a href="{edit}?_changelist_filters=q%3Dt%26o%3D-5">'
            "Tomorrow&#x27;s story</a></th>") in first
    assert f'name="_selected_action" value="{later.pk}"' in first
    shown = timezone.localtime(later.published_at)
    assert (f'<td class="field-status_label">Scheduled for {newsroom_time(shown)}</td>'
            in first)
    assert (f'<td class="field-published"><span class="nr-phone-label">published </span>'
            f'<span class="nowrap">{shown:%-d %b %Y}</span>'  # a space between, squeezed
            f'<span class="nowrap">{shown:%H:%M}</span></td>') in first
    saved = timezone.localtime(later.updated_at)
    assert (f'<span class="nowrap">{saved:%-d %b %Y}</span><span class="nowrap">'
            f'{saved:%H:%M}</span></td>') in first
    assert '<td class="field-bylines">Arun Kumar</td>' in first

    assert f'value="{story.pk}"' in second
    assert "Ties &amp; &lt;b&gt;tariffs&lt;/b&gt;</a></th>" in second
    assert '<td class="field-status_label">Published</td>' in second
    assert '<td class="field-bylines"><span class="nr-empty">-</span></td>' in second
    assert ('<td class="field-tag_list"><span class="nr-tags">India, Russia</span>'
            '<span class="nr-tags">Sergey Lavrov</span></td>') in second


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite 3.40 cannot order names inside an aggregate")
def test_the_bylines_column_lists_authors_in_byline_order(editor_client):
    """The list's bylines read as the article's byline does, not in the authors' age."""
    make_article("Older authors first", authors=("Arun Kumar", "Meera Iyer"))
    make_article("Byline reversed", authors=("Meera Iyer", "Arun Kumar"))

    page = editor_client.get(LIST_URL).content.decode()

    bylines = {re.search(r">([^<]+)</a></th>", row)[1]:
               re.search(r'<td class="field-bylines">([^<]*)</td>', row)[1]
               for row in rows(page)}
    assert bylines == {"Older authors first": "Arun Kumar, Meera Iyer",
                       "Byline reversed": "Meera Iyer, Arun Kumar"}


def test_an_untagged_unpublished_row_shows_the_empty_value(editor_client):
    make_article("Bare draft", status=Article.Status.DRAFT)
    (row,) = rows(editor_client.get(LIST_URL).content.decode())
    assert '<td class="field-tag_list"><span class="nr-empty">-</span></td>' in row
    assert '<td class="field-published"><span class="nr-empty">-</span></td>' in row


def test_the_kept_row_renderer_writes_what_djangos_result_list_writes(editor_client):
    """The list's own rows (kept for speed) are Django's rows, cell for cell; a popup
    picking an article gets Django's rows themselves (their links answer the opener)."""
    lavrov = make_minister()
    make_article("Ties & <b>tariffs</b>", countries=["IN", "RU"], ministers=[lavrov])
    make_article("Tomorrow's story", published_at=timezone.now() + timedelta(days=1),
                 authors=())
    make_article("A draft", status=Article.Status.DRAFT)

    for params in ({"o": "2", "q": "story"}, {}, {"status": "live", "country": country("IN").pk}):
        cl = editor_client.get(LIST_URL, params).context["cl"]
        assert cl.result_list
        assert cl.result_table()["rows"] == ["".join(cells) for cells in results(cl)]
    popup = editor_client.get(LIST_URL, {"_popup": 1}).content.decode()
    assert "data-popup-opener=" in popup


def test_a_bulk_action_chosen_from_the_menu_runs_on_the_ticked_rows(editor_client):
    """The menu offers the desk's actions; choosing one with two rows ticked runs it on
    those two and says so."""
    first, second = make_article(status=Article.Status.DRAFT), make_article(
        status=Article.Status.DRAFT)
    untouched = make_article(status=Article.Status.DRAFT)
    page = editor_client.get(LIST_URL).content.decode()
    menu = dict((label, value) for value, label in re.findall(
        r'<option value="([^"]*)"[^>]*>([^<]*)</option>', page[page.index('name="action"'):]
    ))
    assert {"Publish selected articles now", "Submit selected articles for review",
            "Withdraw selected articles", "Return selected articles to draft"} <= set(menu)

    response = editor_client.post(LIST_URL, {
        "action": menu["Submit selected articles for review"], "select_across": "0",
        "index": "0", "_selected_action": [first.pk, second.pk],
    }, follow=True)

    assert "2 articles submitted for review." in response.content.decode()
    statuses = dict(Article.objects.values_list("pk", "status"))
    assert statuses[first.pk] == statuses[second.pk] == Article.Status.REVIEW
    assert statuses[untouched.pk] == Article.Status.DRAFT


def test_a_hundred_row_page_runs_as_many_queries_as_a_three_row_page(editor_client):
    """Rows read nothing more from the database, however many there are."""
    lavrov, policy = make_minister(), make_policy()

    def queries_for_page():
        editor_client.get(LIST_URL)  # the month's most covered is remembered after this
        with CaptureQueriesContext(connection) as queries:
            page = editor_client.get(LIST_URL, {"status": "live"}).content.decode()
        return len(queries.captured_queries), len(rows(page))

    def add(n):
        for _ in range(n):
            make_article(countries=["IN", "RU"], ministers=[lavrov], policies=[policy])

    add(3)
    few = queries_for_page()
    add(97)
    many = queries_for_page()
    assert few[1] == 3 and many[1] == 100
    assert many[0] == few[0]


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


def test_every_admin_page_links_the_site_icon_so_no_favicon_ico_is_asked_for(
    client, editor_client
):
    """Without a <link rel="icon"> the browser asks for /favicon.ico: a 404 on each page."""
    article = make_article()
    pages = [editor_client.get(reverse("admin:index")),
             editor_client.get(reverse("admin:articles_article_changelist")),
             editor_client.get(reverse("admin:articles_article_change", args=[article.pk])),
             client.get(reverse("admin:login"))]
    for response in pages:
        assert response.status_code == 200
        assert re.search(r'<link rel="icon" href="[^"]*/favicon\.svg"',
                         response.content.decode()), response.request["PATH_INFO"]
