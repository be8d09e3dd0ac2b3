"""The front page screen: editors pin the lead and order the top stories; reporters get
403; a crafted post (nonsense, a draft's id, a story twice, an impossible move) changes
nothing and says why."""

import pytest
from django.urls import reverse

from articles.models import Article, FrontPageSlot
from tests.factories import make_article

pytestmark = pytest.mark.django_db

SCREEN = reverse("admin:articles_frontpageslot_changelist")


@pytest.fixture
def stories():
    return [make_article(f"Desk story {i}", slug=f"desk-story-{i}") for i in range(4)]


def pinned():
    return list(FrontPageSlot.objects.values_list("position", "article__headline"))


def post(client, *positions, **extra):
    data = {f"position_{i}": value for i, value in enumerate(positions, start=1)}
    return client.post(SCREEN, {**data, **extra}, follow=True)


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_an_editor_pins_a_lead_and_orders_top_stories(editor_client, stories):
    response = post(editor_client, stories[2].pk, stories[0].pk, "", stories[3].pk)

    assert pinned() == [(1, "Desk story 2"), (2, "Desk story 0"), (4, "Desk story 3")]
    assert any("“Desk story 2” leads, 2 top stories pinned" in m for m in messages_of(response))
    # The screen shows what is pinned and what readers see in each place.
    html = response.content.decode()
    assert "Live." in html and "Nothing pinned" in html


def test_move_buttons_swap_two_places(editor_client, stories):
    post(editor_client, stories[0].pk, stories[1].pk)

    post(editor_client, stories[0].pk, stories[1].pk, move="2-up")

    assert pinned() == [(1, "Desk story 1"), (2, "Desk story 0")]


def test_the_admin_index_offers_the_front_page_to_editors_only(editor_client,
                                                                reporter_client):
    assert SCREEN in editor_client.get(reverse("admin:index")).content.decode()
    assert SCREEN not in reporter_client.get(reverse("admin:index")).content.decode()


def test_a_reporter_is_refused_the_screen_and_its_posts(reporter_client, stories):
    assert reporter_client.get(SCREEN).status_code == 403
    assert reporter_client.post(SCREEN, {"position_1": stories[0].pk}).status_code == 403
    assert pinned() == []


@pytest.mark.parametrize("value", ["abc", "-1", "²", "9" * 30, "1.5", "0x10", "99999"])
def test_a_nonsense_story_id_changes_nothing(editor_client, stories, value):
    post(editor_client, stories[0].pk)

    response = post(editor_client, value)

    assert response.status_code == 200
    assert pinned() == [(1, "Desk story 0")]
    assert "The front page was not changed" in " ".join(messages_of(response))
    assert "Choose a published or scheduled story" in response.content.decode()


@pytest.mark.parametrize("status", [Article.Status.DRAFT, Article.Status.REVIEW,
                                    Article.Status.WITHDRAWN])
def test_a_story_that_is_not_published_is_refused(editor_client, stories, status):
    other = make_article("Not for readers", status=status)

    response = post(editor_client, other.pk)

    assert pinned() == []
    assert "Choose a published or scheduled story" in response.content.decode()


def test_the_same_story_in_two_places_is_refused(editor_client, stories):
    response = post(editor_client, stories[0].pk, "", stories[0].pk)

    assert pinned() == []
    assert "is in two places (Lead story and Top story 2)" in response.content.decode()


@pytest.mark.parametrize("move", ["1-up", "5-down", "0-up", "7-down", "sideways",
                                  "2-up\x00", "99999999999999999999-up"])
def test_an_impossible_move_changes_nothing(editor_client, stories, move):
    post(editor_client, stories[0].pk, stories[1].pk)

    response = post(editor_client, stories[0].pk, stories[1].pk, move=move)

    assert response.status_code == 200
    assert pinned() == [(1, "Desk story 0"), (2, "Desk story 1")]
    assert any("not possible" in m for m in messages_of(response))


def test_a_pinned_story_withdrawn_since_is_shown_as_such(editor_client, stories):
    post(editor_client, stories[0].pk)
    Article.objects.filter(pk=stories[0].pk).update(status=Article.Status.WITHDRAWN)

    html = editor_client.get(SCREEN).content.decode()

    assert "“Desk story 0” is withdrawn: readers do not see it here" in html


def test_the_autocomplete_offers_only_published_and_scheduled_stories(editor_client,
                                                                     stories):
    make_article("Desk story draft", status=Article.Status.DRAFT)
    response = editor_client.get(reverse("admin:autocomplete"), {
        "app_label": "articles", "model_name": "frontpageslot", "field_name": "article",
        "term": "Desk story",
    })

    assert response.status_code == 200
    names = {result["text"] for result in response.json()["results"]}
    assert "Desk story 0" in names and "Desk story draft" not in names


def test_a_scheduled_story_can_be_pinned_and_the_screen_says_when_it_shows(editor_client):
    from datetime import timedelta

    from django.utils import timezone

    scheduled = make_article("Summit opens", published_at=timezone.now() + timedelta(days=1))

    response = post(editor_client, scheduled.pk)

    assert pinned() == [(1, "Summit opens")]
    assert "Scheduled: shown from" in response.content.decode()
