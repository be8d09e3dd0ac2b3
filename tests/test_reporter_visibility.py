"""Reporters see their own articles and published ones; colleagues' unpublished work is
hidden from them everywhere in the admin and the preview, by link or by typed URL."""

import pytest
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from articles.models import Article
from tests.admin_forms import article_post_data
from tests.factories import make_article, make_reporter

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague_work(editor_client):
    """A colleague's draft, article in review and withdrawn story, each with history."""
    colleague = make_reporter("meera")
    articles = {
        status: make_article(f"Colleague's {status} story", status=status,
                             created_by=colleague)
        for status in (Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.WITHDRAWN)
    }
    for article in articles.values():
        url = reverse("admin:articles_article_change", args=[article.pk])
        editor_client.post(url, article_post_data(article, standfirst="edited"))
    return articles


def test_a_reporter_does_not_see_colleagues_unpublished_work(
    reporter_client, reporter, colleague_work
):
    own = make_article("My own draft", status=Article.Status.DRAFT, created_by=reporter)
    published = make_article("A colleague's published story")
    listing = reporter_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "My own draft" in listing
    assert "A colleague&#x27;s published story" in listing
    for article in colleague_work.values():
        assert article.headline.replace("'", "&#x27;") not in listing
        version = Version.objects.get_for_object(article)[0]
        for url in (
            reverse("admin:articles_article_change", args=[article.pk]),
            reverse("admin:articles_article_history", args=[article.pk]),
            reverse("admin:articles_article_revision", args=[article.pk, version.pk]),
            reverse("articles:article-preview", args=[article.pk]),
        ):
            response = reporter_client.get(url, follow=True)
            assert article.headline.replace("'", "&#x27;") not in response.content.decode(), url
        assert reporter_client.post(
            reverse("admin:articles_article_change", args=[article.pk]),
            article_post_data(article, headline="Taken over"),
        ).status_code in (302, 403, 404)
        article.refresh_from_db()
        assert article.headline != "Taken over"
    assert reporter_client.get(
        reverse("articles:article-preview", args=[own.pk])).status_code == 200
    assert reporter_client.get(
        reverse("articles:article-preview", args=[published.pk])).status_code == 200


def test_the_desk_shows_a_reporter_only_what_they_may_see(reporter_client, colleague_work):
    desk = reporter_client.get(reverse("admin:index")).content.decode()
    assert "Colleague&#x27;s review story" not in desk


def test_the_recovery_list_is_hidden_from_reporters(reporter_client, editor_client):
    list_url = reverse("admin:articles_article_changelist")
    recover_url = reverse("admin:articles_article_recoverlist")
    assert recover_url not in reporter_client.get(list_url).content.decode()
    assert reporter_client.get(recover_url).status_code == 403
    assert recover_url in editor_client.get(list_url).content.decode()
    assert editor_client.get(recover_url).status_code == 200


def test_editors_see_every_article(editor_client, colleague_work):
    listing = editor_client.get(reverse("admin:articles_article_changelist")).content.decode()
    for article in colleague_work.values():
        assert article.headline.replace("'", "&#x27;") in listing
    client = Client()
    assert client.get(reverse("admin:articles_article_changelist")).status_code == 302
