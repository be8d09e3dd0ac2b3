"""Every article as IPTC ninjs 2.2: valid against the IPTC's schema, kept in the repo."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from jsonschema import Draft202012Validator

from articles.models import ApiToken, Article
from tests.factories import make_article, make_editor, make_minister, make_policy

pytestmark = pytest.mark.django_db

# The one copy of the IPTC schema, which the wire's ninjs reader also checks items by.
SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "articles" / "wire" / "schemas"
                     / "ninjs-schema_2.2.json").read_text())
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)


def ninjs_of(client, article, **headers):
    response = client.get(f"/api/v1/articles/{article.pk}/?format=ninjs", headers=headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ninjs+json"
    return response.json()


@pytest.fixture
def articles():
    lavrov = make_minister("Sergey Lavrov")
    corridor = make_policy("North–South Corridor")
    return [
        make_article("Delhi and Moscow agree a rupee trade route", countries=["IN", "RU"],
                     ministers=[lavrov], policies=[corridor], dateline="NEW DELHI",
                     authors=("Arun Kumar", "Meera Iyer")),
        make_article("Wire copy with no standfirst", standfirst="", authors=(), source="Reuters",
                     dateline="",
                     body="<p>First.</p><ul><li>One</li></ul><p>“Quoted” — 東京</p>"),
        make_article("An old story", published_at=timezone.now() - timedelta(days=4000)),
    ]


def test_articles_are_valid_ninjs_2_2(client, articles):
    for article in articles:
        item = ninjs_of(client, article)
        errors = [error.message for error in VALIDATOR.iter_errors(item)]
        assert errors == [], (article.headline, errors)


def test_ninjs_carries_the_story_and_its_subjects(client, articles):
    item = ninjs_of(client, articles[0])
    assert item["headlines"] == [{"role": "main", "contenttype": "text/plain",
                                  "value": "Delhi and Moscow agree a rupee trade route"}]
    assert item["by"] == "Arun Kumar, Meera Iyer"
    assert ninjs_of(client, articles[1])["by"] == "Reuters"  # wire copy: its agency
    assert item["located"] == "NEW DELHI"
    assert item["pubstatus"] == "usable"
    assert sorted(place["literal"] for place in item["places"]) == ["IN", "RU"]
    assert [person["name"] for person in item["people"]] == ["Sergey Lavrov"]
    assert [subject["name"] for subject in item["subjects"]] == ["North–South Corridor"]
    assert item["bodies"][0]["value"] == articles[0].body


def test_accept_header_asks_for_ninjs(client, articles):
    response = client.get(f"/api/v1/articles/{articles[0].pk}/",
                          headers={"Accept": "application/ninjs+json"})
    assert response["Content-Type"] == "application/ninjs+json"
    assert VALIDATOR.is_valid(response.json())


def test_a_draft_read_with_a_token_is_withheld_ninjs(client):
    editor = make_editor()
    draft = make_article("A draft", status=Article.Status.DRAFT)
    key = ApiToken.issue(user=editor, name="Desk tool", by=editor)[1]
    item = ninjs_of(client, draft, Authorization=f"Bearer {key}")
    assert item["pubstatus"] == "withheld"
    assert "renditions" not in item
    assert VALIDATOR.is_valid(item)


def test_the_validator_can_fail():
    """The schema really is checked: a ninjs item with a wrong type is refused."""
    assert not VALIDATOR.is_valid({"uri": "x", "type": "novel"})
