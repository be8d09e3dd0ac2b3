"""Suggested tags in the article admin: shown with evidence, accepted in one click."""

import pytest
from django.urls import reverse
from reversion.models import Version

from articles.models import Article
from tests.admin_forms import article_post_data
from tests.factories import make_article, make_minister, make_policy, make_reporter

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:articles_article_changelist")
BODY = "<p>Sergey Lavrov met officials in Moscow to discuss the ‘Made in India’ programme.</p>"


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.fixture
def vocabulary():
    return {
        "lavrov": make_minister("Sergey Lavrov"),
        "make_in_india": make_policy("Make in India", aliases=["Made in India"]),
    }


def wire_story(**kwargs):
    kwargs.setdefault("status", Article.Status.REVIEW)
    return make_article(
        "Lavrov backs manufacturing plan", standfirst="", body=BODY, **kwargs
    )


def test_change_form_shows_suggestions_with_their_evidence(editor_client, vocabulary):
    article = wire_story()

    page = editor_client.get(change_url(article)).content.decode()

    assert "Suggested tags" in page
    assert f'value="ministers:{vocabulary["lavrov"].pk}"' in page
    assert f'value="policies:{vocabulary["make_in_india"].pk}"' in page
    assert "<mark>Made in India</mark>" in page
    assert "headline: <mark>Lavrov</mark>" in page
    assert 'name="_accept_all_suggestions"' in page


def test_tags_already_on_the_article_are_not_suggested(editor_client, vocabulary):
    article = wire_story(ministers=[vocabulary["lavrov"]])
    page = editor_client.get(change_url(article)).content.decode()
    assert f'value="ministers:{vocabulary["lavrov"].pk}"' not in page


def test_ticked_suggestions_are_added_on_save(editor_client, vocabulary):
    article = wire_story()
    policy = vocabulary["make_in_india"]
    data = article_post_data(article, accept_suggestion=[f"policies:{policy.pk}"])

    response = editor_client.post(change_url(article), data)

    assert response.status_code == 302
    assert list(article.policies.names()) == ["Make in India"]
    assert not article.ministers.exists()


def test_accept_all_adds_every_suggestion_and_stays_on_the_article(editor_client, vocabulary):
    article = wire_story()
    data = article_post_data(article, _accept_all_suggestions="Save and accept all")

    response = editor_client.post(change_url(article), data, follow=True)

    assert response.redirect_chain[-1][0] == change_url(article)
    assert list(article.ministers.names()) == ["Sergey Lavrov"]
    assert list(article.policies.names()) == ["Make in India"]
    assert set(article.countries.values_list("code", flat=True)) == {"RU"}
    assert "Added 3 suggested tags." in response.content.decode()


def test_a_forged_key_adds_nothing_the_text_does_not_support(editor_client, vocabulary):
    article = wire_story()
    other = make_policy("Agnipath scheme")
    data = article_post_data(article, accept_suggestion=[f"policies:{other.pk}", "bogus"])

    editor_client.post(change_url(article), data)

    assert not article.policies.exists()


def test_reporter_accepts_on_own_review_article(reporter_client, reporter, vocabulary):
    article = wire_story(created_by=reporter)
    data = article_post_data(article, _accept_all_suggestions="Save and accept all")

    reporter_client.post(change_url(article), data)

    assert list(article.ministers.names()) == ["Sergey Lavrov"]


def test_reporter_cannot_accept_on_someone_elses_article(reporter_client, vocabulary):
    article = wire_story(created_by=make_reporter("someone"))
    data = article_post_data(article, _accept_all_suggestions="Save and accept all")

    response = reporter_client.post(change_url(article), data)

    assert response.status_code in (302, 403)  # hidden from a colleague, or refused
    assert not article.ministers.exists()


def test_list_action_applies_suggestions_and_reports_counts(editor_client, vocabulary):
    tagged = wire_story()
    nothing = make_article("Weather", standfirst="", body="<p>Rain tomorrow.</p>",
                           status=Article.Status.REVIEW)

    response = editor_client.post(
        LIST_URL, {"action": "suggest_tags", "_selected_action": [tagged.pk, nothing.pk]},
        follow=True,
    )

    page = response.content.decode()
    assert "Added 3 suggested tags to 1 article." in page
    assert "1 article had no new suggestions." in page
    assert list(tagged.ministers.names()) == ["Sergey Lavrov"]


def test_list_action_skips_articles_the_reporter_may_not_edit(reporter_client, reporter,
                                                             vocabulary):
    own = wire_story(created_by=reporter)
    published = wire_story(created_by=make_reporter("someone"), slug="published",
                           status=Article.Status.PUBLISHED)
    hidden = wire_story(created_by=make_reporter("another"), slug="hidden")

    response = reporter_client.post(
        LIST_URL,
        {"action": "suggest_tags", "_selected_action": [own.pk, published.pk, hidden.pk]},
        follow=True,
    )

    assert list(own.ministers.names()) == ["Sergey Lavrov"]
    assert not published.ministers.exists()
    assert not hidden.ministers.exists()
    assert "you may not edit" in response.content.decode()


def test_list_action_is_a_new_version_so_an_open_form_cannot_undo_it(
    editor_client, vocabulary
):
    """Tags added by the action are not silently removed by a form opened before it."""
    article = wire_story()
    opened_before = article_post_data(article, standfirst="Edited in an open form.")
    editor_client.post(LIST_URL, {"action": "suggest_tags", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.version == 2

    response = editor_client.post(change_url(article), opened_before)

    assert response.status_code == 200
    assert "saved this article at" in response.content.decode()
    assert list(article.ministers.names()) == ["Sergey Lavrov"]
    assert Version.objects.get_for_object(article)[0].revision.get_comment() == (
        "Tags: + Russia, + Sergey Lavrov, + Make in India (suggested)"
    )


def test_change_form_shows_why_the_tags_already_applied_are_there(editor_client, vocabulary):
    """After an import applied tags, the editor still sees the phrase behind each."""
    article = wire_story(ministers=[vocabulary["lavrov"]])
    page = editor_client.get(change_url(article)).content.decode()
    assert "Where the text names the tags it already has" in page
    assert "<mark>Sergey Lavrov</mark>" in page
