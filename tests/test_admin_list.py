"""The editors' article list stays cheap at any size: short tag filters with a search."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import country, make_article, make_minister, make_policy

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:articles_article_changelist")


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


def test_filtering_by_minister_and_policy_found_by_search(editor_client):
    lavrov, policy = make_minister(), make_policy()
    make_article("Old Lavrov story", ministers=[lavrov], policies=[policy],
                 published_at=timezone.now() - timedelta(days=400))
    make_article("Untagged story")
    for params in ({"minister": lavrov.pk}, {"policy": policy.pk}):
        page = editor_client.get(LIST_URL, params).content.decode()
        assert "Old Lavrov story" in page and "Untagged story" not in page
