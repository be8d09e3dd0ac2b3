"""Hand-made requests to the history's revert page: nonsense ids and fields get a clear
refusal and change nothing, never a server error."""

import pytest
from django.urls import reverse
from reversion.models import Version

from articles.models import Article
from tests.admin_forms import article_post_data
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def with_two_versions(client):
    article = make_article(status=Article.Status.REVIEW, headline="First headline")
    change = reverse("admin:articles_article_change", args=[article.pk])
    client.post(change, article_post_data(article, standfirst="v2"))
    client.post(change, article_post_data(article, headline="Second headline"))
    article.refresh_from_db()
    first = Version.objects.get_for_object(article).order_by("pk").first()
    return article, first


@pytest.mark.parametrize("version_id", ["9" * 30, "0", "123456789"])
def test_a_revert_page_for_a_version_that_is_not_there_is_404(editor_client, version_id):
    article, _ = with_two_versions(editor_client)
    url = f"{reverse('admin:articles_article_history', args=[article.pk])}{version_id}/"
    assert editor_client.get(url).status_code == 404
    assert editor_client.post(url, {"version": str(article.version)}).status_code == 404
    article.refresh_from_db()
    assert article.headline == "Second headline"


@pytest.mark.parametrize("object_id", ["abc", "9" * 30, "1%00"])
def test_history_of_an_article_that_is_not_there_is_404(editor_client, object_id):
    response = editor_client.get(f"/admin/articles/article/{object_id}/history/compare/",
                                 {"from": "1", "to": "2"})
    assert response.status_code in (400, 404)
    assert editor_client.get(f"/admin/articles/article/{object_id}/history/").status_code \
        in (400, 404)


@pytest.mark.parametrize("sent", ["", "abc", "-5", "9" * 30, "2\x00"])
def test_a_revert_with_a_nonsense_version_field_is_refused_as_stale(editor_client, sent):
    article, first = with_two_versions(editor_client)
    url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])
    response = editor_client.post(url, {"version": sent})
    assert response.status_code in (302, 400)
    article.refresh_from_db()
    assert article.headline == "Second headline"
    assert article.version == 3


def test_a_reporter_is_offered_no_revert_on_a_published_story_and_cannot_post_one(
    reporter_client, reporter, editor_client
):
    article = make_article(status=Article.Status.REVIEW, created_by=reporter,
                           headline="Reporter's draft")
    change = reverse("admin:articles_article_change", args=[article.pk])
    reporter_client.post(change, article_post_data(article, standfirst="v2"))
    reporter_client.post(change, article_post_data(article, headline="Reporter's second"))
    Article.objects.filter(pk=article.pk).update(status=Article.Status.PUBLISHED)
    first, second = Version.objects.get_for_object(article).order_by("pk")

    compare = reporter_client.get(
        reverse("admin:articles_article_compare", args=[article.pk]),
        {"from": first.pk, "to": second.pk},
    )
    assert compare.status_code == 200
    assert "Revert to this version" not in compare.content.decode()
    listing = reporter_client.get(reverse("admin:articles_article_history", args=[article.pk]))
    assert reverse("admin:articles_article_revision", args=[article.pk, first.pk]) \
        not in listing.content.decode()
    revert = reverse("admin:articles_article_revision", args=[article.pk, first.pk])
    assert reporter_client.post(revert, {"version": "3"}).status_code == 403
    article.refresh_from_db()
    assert article.headline == "Reporter's second"


def test_a_reporter_cannot_read_a_colleagues_earlier_versions(reporter_client, editor_client):
    """Bina's draft named a source the published story does not: Arun, another reporter,
    may read the story, not its earlier versions."""
    from tests.factories import make_reporter

    bina = make_reporter("bina")
    article = make_article(status=Article.Status.REVIEW, created_by=bina,
                           body="<p>SOURCE NAME: a confidential informant.</p>")
    change = reverse("admin:articles_article_change", args=[article.pk])
    editor_client.post(change, article_post_data(article, standfirst="Checked."))
    article.refresh_from_db()
    editor_client.post(change, article_post_data(article, body="<p>Officials said.</p>"))
    from django.utils import timezone

    Article.objects.filter(pk=article.pk).update(status=Article.Status.PUBLISHED,
                                                 published_at=timezone.now())
    assert reporter_client.get(change).status_code == 200  # the story itself is public
    first, last = Version.objects.get_for_object(article).order_by("pk")[:2]

    history = reporter_client.get(reverse("admin:articles_article_history", args=[article.pk]))
    compare = reporter_client.get(reverse("admin:articles_article_compare", args=[article.pk]),
                                  {"from": first.pk, "to": last.pk})

    assert history.status_code == 403 and compare.status_code == 403
    assert "confidential" not in compare.content.decode()
