"""Reporters see their own articles and published ones; colleagues' unpublished work is
hidden from them everywhere in the admin and the preview, by link or by typed URL."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.editorial.desk import desk_overview
from articles.models import Article, Country
from tests.admin_forms import article_post_data
from tests.factories import country, make_article, make_editor, make_reporter

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


def view_on_site_url(model, object_id):
    """The admin's "view on site" shortcut, which anyone may type by hand."""
    content_type = ContentType.objects.get_for_model(model)
    return reverse("admin:view_on_site", args=[content_type.pk, object_id])


def preview_url(article):
    return reverse("articles:article-preview", args=[article.pk])


def test_the_view_on_site_shortcut_does_not_reveal_a_colleagues_unpublished_article(
    reporter_client, colleague_work
):
    """Django's shortcut ignores what the article admin hides: it redirected to the draft's
    address, slug (and so headline) included."""
    for article in colleague_work.values():
        response = reporter_client.get(view_on_site_url(Article, article.pk))
        assert response.status_code == 404
        assert "Location" not in response
        assert article.slug not in response.content.decode()


def test_the_view_on_site_shortcut_sends_an_article_to_its_page_or_its_preview(
    reporter_client, reporter, editor_client, colleague_work
):
    own = make_article("My own draft", status=Article.Status.DRAFT, created_by=reporter)
    published = make_article("A colleague's published story")
    colleague_draft = colleague_work[Article.Status.DRAFT]
    withdrawn = colleague_work[Article.Status.WITHDRAWN]
    for client, article, expected in [
        (reporter_client, own, preview_url(own)),
        (reporter_client, published, published.get_absolute_url()),
        (editor_client, published, published.get_absolute_url()),
        (editor_client, colleague_draft, preview_url(colleague_draft)),
        (editor_client, withdrawn, preview_url(withdrawn)),
    ]:
        response = client.get(view_on_site_url(Article, article.pk))
        assert (response.status_code, response["Location"]) == (302, expected)


def test_the_view_on_site_shortcut_still_serves_other_models(editor_client):
    india = country("IN")
    response = editor_client.get(view_on_site_url(Country, india.pk))
    assert response.status_code == 302
    assert response["Location"].endswith(india.get_absolute_url())


@pytest.mark.parametrize("object_id", ["abc", "99999999999999999999", "-1", "0", "1.5"])
def test_the_view_on_site_shortcut_answers_404_to_an_id_that_is_no_article(
    editor_client, object_id
):
    make_article("Some story")
    assert editor_client.get(view_on_site_url(Article, object_id)).status_code == 404


def test_a_colleagues_scheduled_story_is_hidden_until_it_is_public(reporter_client, reporter):
    """Scheduled is not yet public: the visibility rule, not the status, decides."""
    colleague = make_reporter("meera")
    scoop = make_article("Embargoed scoop", created_by=colleague,
                         published_at=timezone.now() + timedelta(days=1))
    own = make_article("My scheduled story", created_by=reporter,
                       published_at=timezone.now() + timedelta(days=1))
    list_url = reverse("admin:articles_article_changelist")

    listing = reporter_client.get(list_url).content.decode()
    assert "Embargoed scoop" not in listing
    assert "My scheduled story" in listing
    for url in (reverse("admin:articles_article_change", args=[scoop.pk]),
                reverse("admin:articles_article_history", args=[scoop.pk]),
                preview_url(scoop), view_on_site_url(Article, scoop.pk)):
        response = reporter_client.get(url, follow=True)
        assert "Embargoed scoop" not in response.content.decode(), url
        assert scoop.slug not in str(response.redirect_chain), url
    assert reporter_client.get(preview_url(own)).status_code == 200

    Article.objects.filter(pk=scoop.pk).update(
        published_at=timezone.now() - timedelta(minutes=1))
    assert "Embargoed scoop" in reporter_client.get(list_url).content.decode()
    assert reporter_client.get(preview_url(scoop)).status_code == 200


NOON = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@time_machine.travel(NOON, tick=False)
def test_the_desk_shows_a_reporter_no_colleagues_story_scheduled_for_today(reporter):
    colleague = make_reporter("meera")
    make_article("Embargoed scoop", created_by=colleague,
                 published_at=NOON + timedelta(hours=1))
    assert desk_overview(reporter)["scheduled_today"] == []
    assert [a.headline for a in desk_overview(make_editor())["scheduled_today"]] == [
        "Embargoed scoop"]
