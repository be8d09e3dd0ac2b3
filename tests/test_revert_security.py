"""Reverting and recovering can never reach another article or bypass the role rules."""

import pytest
import reversion
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.urls import reverse
from reversion.models import Version

from articles.editorial import services
from articles.models import Article, TaggedCountry
from tests.admin_forms import article_post_data
from tests.factories import country, make_article, make_minister, make_user

pytestmark = pytest.mark.django_db


def revision_url(article_id, version_id):
    return reverse("admin:articles_article_revision", args=[article_id, version_id])


def saved_by_editor(editor_client, article, **changes):
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = editor_client.post(url, article_post_data(article, **changes))
    assert response.status_code == 302
    return Article.objects.get(pk=article.pk)


def test_a_version_planted_on_a_tag_row_cannot_revert_another_article(
    reporter_client, reporter, editor_client, editor
):
    """The reported attack: a tag row's version whose id equals the reporter's draft id.

    Its revision holds another, since withdrawn, article; opening or submitting it at
    the reporter's own draft's address must neither show nor restore that article.
    """
    make_article("Filler, so tag row ids run ahead of article ids",
                 countries=["FR", "DE", "IT", "ES"])
    victim = make_article("Story later withdrawn", status=Article.Status.REVIEW,
                          countries=["IN"])
    victim = saved_by_editor(editor_client, victim, workflow="publish")
    tag_row = TaggedCountry.objects.get(content_object=victim)
    assert tag_row.pk != victim.pk
    tag_version = Version.objects.get(
        content_type=ContentType.objects.get_for_model(TaggedCountry),
        object_id=str(tag_row.pk),
    )
    Article.objects.filter(pk=tag_row.pk).delete()
    draft = make_article("Reporter's own draft", pk=tag_row.pk,
                         status=Article.Status.DRAFT, created_by=reporter)
    services.article_withdraw(article=Article.objects.get(pk=victim.pk), by=editor)

    url = revision_url(draft.pk, tag_version.pk)
    assert reporter_client.get(url).status_code == 404
    assert reporter_client.post(url, {"version": "1"}).status_code == 404
    victim.refresh_from_db()
    assert victim.status == Article.Status.WITHDRAWN
    assert victim.headline == "Story later withdrawn"
    draft.refresh_from_db()
    assert draft.headline == "Reporter's own draft" and draft.version == 1


def test_a_revision_shared_with_another_article_is_refused_even_for_an_editor(editor_client):
    first = make_article("First", status=Article.Status.REVIEW)
    second = make_article("Second", status=Article.Status.REVIEW)
    with reversion.create_revision():
        first.save()
        second.save()
    shared = Version.objects.get_for_object(first).get()
    first = saved_by_editor(editor_client, first, headline="First, edited")
    assert editor_client.get(revision_url(first.pk, shared.pk)).status_code == 404
    assert editor_client.post(revision_url(first.pk, shared.pk),
                              {"version": str(first.version)}).status_code == 404
    first.refresh_from_db()
    assert first.headline == "First, edited"


def test_a_version_of_one_article_cannot_be_used_at_another_articles_address(
    editor_client
):
    mine = make_article("Mine", status=Article.Status.REVIEW)
    other = make_article("Other", status=Article.Status.REVIEW)
    saved_by_editor(editor_client, other, standfirst="v2")
    others_version = Version.objects.get_for_object(other).get()
    assert editor_client.get(revision_url(mine.pk, others_version.pk)).status_code == 404


def test_a_reporter_reverts_their_own_draft_but_never_a_published_story(
    reporter_client, reporter, editor
):
    article = make_article("Draft one", status=Article.Status.DRAFT, created_by=reporter,
                           countries=["IN"])
    url = reverse("admin:articles_article_change", args=[article.pk])
    reporter_client.post(url, article_post_data(article, standfirst="v1"))
    first = Version.objects.get_for_object(article).get()
    reporter_client.post(url, article_post_data(
        Article.objects.get(pk=article.pk), headline="Draft two",
        countries=[str(country("RU").pk)]))
    article.refresh_from_db()
    response = reporter_client.post(revision_url(article.pk, first.pk),
                                    {"version": str(article.version)})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "Draft one"
    assert list(article.countries.names()) == ["India"]
    assert article.status == Article.Status.DRAFT

    services.article_publish(article=article, by=editor)
    article.refresh_from_db()
    response = reporter_client.post(revision_url(article.pk, first.pk),
                                    {"version": str(article.version)})
    assert response.status_code == 403
    with pytest.raises(services.PermissionDenied):
        services.article_revert(article=article, version=first, by=reporter)
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED


def test_a_revert_keeps_the_status_and_never_moves_the_version_backwards(
    editor_client, editor
):
    """Reverting to a version from when the story was a draft does not unpublish it."""
    article = make_article("As filed", status=Article.Status.REVIEW)
    saved_by_editor(editor_client, article, standfirst="v1")
    filed = Version.objects.get_for_object(article).get()
    services.article_publish(article=Article.objects.get(pk=article.pk), by=editor)
    article = saved_by_editor(editor_client, Article.objects.get(pk=article.pk),
                              headline="As edited", workflow="update")
    before = article.version
    services.article_revert(article=article, version=filed, by=editor,
                            expected_version=before)
    article.refresh_from_db()
    assert article.headline == "As filed"
    assert article.status == Article.Status.PUBLISHED
    assert article.version == before + 1
    assert Version.objects.get_for_object(article).count() == 4


def test_recovering_a_deleted_article_is_for_editors_only(
    editor_client, reporter_client, reporter
):
    article = make_article("Deleted by mistake", status=Article.Status.DRAFT,
                           created_by=reporter, countries=["IN"])
    reporter_client.post(reverse("admin:articles_article_change", args=[article.pk]),
                         article_post_data(article, standfirst="v1"))
    pk = article.pk
    with reversion.create_revision():
        article.delete()
    version = Version.objects.get_deleted(Article).get()
    recover_url = reverse("admin:articles_article_recover", args=[version.pk])

    assert reporter_client.get(reverse("admin:articles_article_recoverlist")).status_code == 403
    assert reporter_client.post(recover_url).status_code == 403
    assert not Article.objects.filter(pk=pk).exists()

    assert "Recover this article" in editor_client.get(recover_url).content.decode()
    assert editor_client.post(recover_url).status_code == 302
    recovered = Article.objects.get(pk=pk)
    assert recovered.headline == "Deleted by mistake"
    assert list(recovered.countries.names()) == ["India"]
    assert Version.objects.get_for_object(recovered)[0].revision.get_comment() == \
        "Recovered after deletion"


CANNOT_RECOVER = (
    "This article cannot be recovered: its stored version clashes with something saved "
    "since it was deleted (the same wire copy imported again, say). Nothing was changed."
)


def deleted_with_history(article):
    """Delete the article as the admin does (in a revision) and return its stored version."""
    with reversion.create_revision():
        article.save()
    with reversion.create_revision():
        article.delete()
    return Version.objects.get_deleted(Article).get()


def recover(editor_client, version):
    response = editor_client.post(reverse("admin:articles_article_recover", args=[version.pk]))
    assert response.status_code == 302
    return response, [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.django_db(transaction=True)
def test_an_article_whose_authors_account_was_deleted_can_be_recovered(editor_client, editor):
    """Its version still names the deleted account, which the database would refuse
    (at the commit, on PostgreSQL): the recovered article names nobody there instead."""
    leaver = make_user("leaver")
    article = make_article("By a colleague who left", status=Article.Status.DRAFT,
                           created_by=leaver, updated_by=leaver, countries=["IN"])
    pk = article.pk
    version = deleted_with_history(article)
    leaver.delete()

    response, messages = recover(editor_client, version)

    assert response["Location"] == reverse("admin:articles_article_change", args=[pk])
    recovered = Article.objects.get(pk=pk)
    assert recovered.headline == "By a colleague who left"
    assert recovered.created_by is None
    assert recovered.updated_by == editor
    assert list(recovered.countries.names()) == ["India"]
    assert messages == ["Recovered “By a colleague who left”."]


@pytest.mark.django_db(transaction=True)
def test_recovering_an_article_whose_wire_copy_was_imported_again_is_refused_clearly(
    editor_client,
):
    article = make_article("Wire story", status=Article.Status.REVIEW, fingerprint="f" * 64)
    pk = article.pk
    version = deleted_with_history(article)
    make_article("The same wire story, imported again", fingerprint="f" * 64)

    response, messages = recover(editor_client, version)

    assert response["Location"] == reverse("admin:articles_article_recoverlist")
    assert messages == [CANNOT_RECOVER]
    assert not Article.objects.filter(pk=pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_deleted_article_comes_back_with_the_kept_entry_of_a_merged_tag(
    editor_client, editor
):
    """Its stored tag rows name a minister merged away and one deleted since: it comes
    back tagged with the kept minister, without the deleted one, and the page said so."""
    sergey, sergei = make_minister("Sergey Lavrov"), make_minister("Sergei Lavrov")
    gone = make_minister("Someone Deleted")
    article = make_article("Tagged", status=Article.Status.REVIEW, ministers=[sergei, gone])
    pk = article.pk
    version = deleted_with_history(article)
    services.tag_merge(keep=sergey, merged=[sergei], by=editor)
    gone.delete()

    page = editor_client.get(reverse("admin:articles_article_recover", args=[version.pk]))
    text = page.content.decode()
    assert "“Sergei Lavrov” was merged into “Sergey Lavrov”, which comes back" in text
    assert "Ministers: 1 of that version&#x27;s entries have since been deleted" in text
    response, messages = recover(editor_client, version)

    assert response["Location"] == reverse("admin:articles_article_change", args=[pk])
    assert list(Article.objects.get(pk=pk).ministers.names()) == ["Sergey Lavrov"]


@pytest.mark.django_db(transaction=True)
def test_a_reference_the_database_would_refuse_at_the_commit_is_refused_before_it(
    editor_client, monkeypatch
):
    """A link to a deleted row the service did not clear (here the clearing is blinded)
    is found before the commit, where the editor can still be told: no 500."""
    leaver = make_user("leaver")
    article = make_article("By a colleague who left", status=Article.Status.DRAFT,
                           created_by=leaver)
    pk = article.pk
    version = deleted_with_history(article)
    leaver.delete()
    monkeypatch.setattr(services, "_drop_lost_references", lambda article: None)

    response, messages = recover(editor_client, version)

    assert response["Location"] == reverse("admin:articles_article_recoverlist")
    assert messages == [CANNOT_RECOVER]
    assert not Article.objects.filter(pk=pk).exists()


def test_each_article_of_an_imported_export_has_its_own_revision(editor_client):
    """So each can be reverted to its imported version."""
    from articles.wire.exporting import export_lines
    from articles.wire.jsonl import import_export_lines

    make_article("One", slug="one", status=Article.Status.REVIEW)
    make_article("Two", slug="two", status=Article.Status.REVIEW)
    lines = list(export_lines())
    Article.objects.all().delete()
    import_export_lines(lines=lines, name="backup.jsonl")
    one = Article.objects.get(slug="one")
    imported = Version.objects.get_for_object(one).get()
    assert "backup.jsonl" in imported.revision.get_comment()
    one = saved_by_editor(editor_client, one, headline="One, edited")
    editor_client.post(revision_url(one.pk, imported.pk), {"version": str(one.version)})
    one.refresh_from_db()
    assert one.headline == "One"
    assert Article.objects.get(slug="two").headline == "Two"
