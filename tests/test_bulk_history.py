"""Actions on several articles from the list: each article's change is a history entry
of its own, which can be reverted; versions shared by several articles (recorded before
this was so) are shown but never offered for a revert or a recovery."""

import pytest
import reversion
from django.contrib.messages import get_messages
from django.urls import reverse
from reversion.models import Version

from articles.editorial import history
from articles.models import Article
from tests.admin_forms import article_post_data
from tests.factories import make_article

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:articles_article_changelist")
Status = Article.Status


def history_url(article):
    return reverse("admin:articles_article_history", args=[article.pk])


def revision_url(article, version):
    return reverse("admin:articles_article_revision", args=[article.pk, version.pk])


def latest_version(article):
    return Version.objects.get_for_object(article).order_by("-pk").first()


def on_the_list(client, action, articles, **extra):
    response = client.post(LIST_URL, {
        "action": action, "_selected_action": [str(a.pk) for a in articles], **extra})
    assert response.status_code == 302
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(("action", "status", "comment"), [
    ("publish_now", Status.REVIEW, "Published"),
    ("submit_for_review", Status.DRAFT, "Submitted for review"),
    ("withdraw", Status.PUBLISHED, "Withdrawn"),
    ("return_to_draft", Status.REVIEW, "Returned to draft"),
    ("suggest_tags", Status.REVIEW, "Tags: + India, + Russia (suggested)"),
])
def test_an_action_on_several_articles_records_each_articles_own_revision(
    editor_client, editor, action, status, comment
):
    """Reversion's list wrapped the whole action in one revision holding every selected
    article, which no revert may use."""
    articles = [make_article(f"India and Russia talk trade, part {n}", status=status)
                for n in (1, 2)]

    on_the_list(editor_client, action, articles)

    revisions = set()
    for article in articles:
        version = Version.objects.get_for_object(article).get()
        assert version.revision.get_comment() == comment
        assert version.revision.user == editor
        assert history.holds_only(version.revision_id, article.pk)
        revisions.add(version.revision_id)
    assert len(revisions) == 2


def test_a_version_written_by_an_action_on_several_articles_can_be_reverted(editor_client):
    first = make_article("First as filed", status=Status.REVIEW)
    second = make_article("Second as filed", status=Status.REVIEW)
    on_the_list(editor_client, "publish_now", [first, second])
    published = latest_version(first)
    editor_client.post(reverse("admin:articles_article_change", args=[first.pk]),
                       article_post_data(first, headline="First, edited",
                                         workflow="update"))
    first.refresh_from_db()
    assert first.headline == "First, edited"

    assert revision_url(first, published) in editor_client.get(
        history_url(first)).content.decode()
    assert editor_client.get(revision_url(first, published)).status_code == 200
    response = editor_client.post(revision_url(first, published),
                                  {"version": str(first.version)})

    assert response.status_code == 302
    first.refresh_from_db()
    assert first.headline == "First as filed"
    assert Article.objects.get(pk=second.pk).headline == "Second as filed"


def test_articles_deleted_from_the_list_can_each_be_recovered(editor_client):
    articles = [make_article(f"Deleted story {n}", status=Status.REVIEW) for n in (1, 2)]
    for article in articles:
        editor_client.post(reverse("admin:articles_article_change", args=[article.pk]),
                           article_post_data(article, standfirst="Saved once."))

    on_the_list(editor_client, "delete_selected", articles, post="yes")

    assert not Article.objects.exists()
    for article in articles:
        version = Version.objects.get_deleted(Article).get(object_id=str(article.pk))
        response = editor_client.post(
            reverse("admin:articles_article_recover", args=[version.pk]))
        assert response.status_code == 302
        assert Article.objects.get(pk=article.pk).headline == article.headline


@pytest.fixture
def shared_revision():
    """Two articles saved in one revision, as the list's actions once recorded them."""
    first = make_article("First in a shared revision", status=Status.REVIEW)
    second = make_article("Second in a shared revision", status=Status.REVIEW)
    with reversion.create_revision():
        reversion.set_comment("Published")
        first.save()
        second.save()
    return first, second


def test_the_history_shows_a_shared_version_without_offering_a_revert(
    editor_client, shared_revision
):
    first, _ = shared_revision
    shared = latest_version(first)
    editor_client.post(reverse("admin:articles_article_change", args=[first.pk]),
                       article_post_data(first, standfirst="Edited since."))
    own = latest_version(first)

    page = editor_client.get(history_url(first)).content.decode()

    assert revision_url(first, own) in page
    assert revision_url(first, shared) not in page
    assert "saved together with other articles by one action" in page
    assert editor_client.get(revision_url(first, shared)).status_code == 404


def test_a_deleted_article_whose_last_version_is_shared_says_why_it_cannot_be_recovered(
    editor_client, shared_revision
):
    first, _ = shared_revision
    shared = latest_version(first)
    first.delete()
    recover_url = reverse("admin:articles_article_recover", args=[shared.pk])

    page = editor_client.get(recover_url).content.decode()

    assert "saved together with other articles by one action" in page
    assert "Recover this article" not in page
