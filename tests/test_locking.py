"""No lost updates: when two people edit one article, the later save is refused."""

import pytest
from django.test import Client
from django.urls import reverse

from articles.editorial import services
from articles.models import Article
from tests.admin_forms import article_post_data
from tests.factories import make_article, make_editor
from tests.signing_in import sign_in


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.mark.django_db
def test_second_save_is_refused_with_a_message_and_keeps_both_texts(editor):
    """Priya and a colleague open one story; the colleague saves first; Priya is told."""
    article = make_article(status=Article.Status.REVIEW, body="<p>Original text.</p>")
    colleague = make_editor("colleague")
    priya, other = Client(), Client()
    sign_in(priya, editor)
    sign_in(other, colleague)
    priya_form = article_post_data(article)  # Priya opened the form at version 1
    other_form = article_post_data(article)

    other_form["body"] = "<p>Typo fixed by a colleague.</p>"
    assert other.post(change_url(article), other_form).status_code == 302

    priya_form["body"] = "<p>Two paragraphs rewritten by Priya.</p>"
    response = priya.post(change_url(article), priya_form)

    assert response.status_code == 200
    page = response.content.decode()
    assert "saved this article at" in page
    assert "Your changes have not been saved" in page
    assert "Two paragraphs rewritten by Priya." in page  # her text is still in the form
    article.refresh_from_db()
    assert article.body == "<p>Typo fixed by a colleague.</p>"
    assert article.version == 2


@pytest.mark.django_db
def test_a_save_from_the_latest_version_goes_through_and_bumps_it(editor_client):
    article = make_article(status=Article.Status.REVIEW)
    for expected in (2, 3):
        data = article_post_data(article, standfirst=f"Edit {expected}")
        assert editor_client.post(change_url(article), data).status_code == 302
        article.refresh_from_db()
        assert article.version == expected


@pytest.mark.django_db
def test_service_refuses_a_stale_version(editor):
    """The rule holds outside the admin too."""
    article = make_article(status=Article.Status.REVIEW)
    services.article_save(article=Article.objects.get(pk=article.pk), by=editor,
                          expected_version=1)
    stale = Article.objects.get(pk=article.pk)
    stale.headline = "Overwrite"
    with pytest.raises(services.StaleEdit):
        services.article_save(article=stale, by=editor, expected_version=1)
    assert Article.objects.get(pk=article.pk).headline != "Overwrite"


@pytest.mark.django_db
def test_a_form_without_a_version_is_refused_and_says_why(editor_client):
    article = make_article(status=Article.Status.REVIEW)
    for version in ("", "abc"):
        response = editor_client.post(
            change_url(article), article_post_data(article, version=version, headline="X")
        )
        assert response.status_code == 200
        assert "did not say which version" in response.content.decode()
    article.refresh_from_db()
    assert article.headline != "X"
