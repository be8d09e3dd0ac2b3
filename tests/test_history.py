"""History: every save is recorded with who and what changed, and can be reverted."""

import pytest
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from articles.models import Article
from tests.admin_forms import article_post_data
from tests.factories import country, make_article
from tests.signing_in import sign_in


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.mark.django_db
def test_each_admin_save_records_who_and_which_fields_including_tags(editor_client, editor):
    article = make_article(status=Article.Status.REVIEW, countries=["IN"])
    editor_client.post(change_url(article), article_post_data(
        article, headline="New headline", countries=[str(country("RU").pk)],
    ))
    versions = Version.objects.get_for_object(article)
    assert versions.count() == 1
    revision = versions[0].revision
    assert revision.user == editor
    assert revision.get_comment() == "Edited: headline, countries"
    history = editor_client.get(
        reverse("admin:articles_article_history", args=[article.pk])
    ).content.decode()
    assert "Edited: headline, countries" in history and editor.get_full_name() in history


@pytest.mark.django_db
def test_editor_reverts_to_an_earlier_version_with_its_tags(editor_client):
    """Reverting restores text and tags, and is itself a new, later version."""
    article = make_article(status=Article.Status.REVIEW, headline="First headline",
                           countries=["IN"])
    editor_client.post(change_url(article), article_post_data(article, standfirst="v2"))
    first = Version.objects.get_for_object(article).get()
    editor_client.post(change_url(article), article_post_data(
        article, headline="Second headline", countries=[str(country("RU").pk)],
    ))
    article.refresh_from_db()
    assert article.version == 3

    revert_url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])
    page = editor_client.get(revert_url).content.decode()
    assert 'name="version" value="3"' in page  # checked against the latest version
    assert "<del>Second</del> <ins>First</ins> headline" in page
    assert "+ India, − Russia" in page
    response = editor_client.post(revert_url, {"version": "3"})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "First headline"
    assert list(article.countries.names()) == ["India"]
    assert article.version == 4
    assert "Reverted" in Version.objects.get_for_object(article)[0].revision.get_comment()


@pytest.mark.django_db
def test_a_revert_from_a_page_opened_before_another_save_is_refused(editor_client):
    article = make_article(status=Article.Status.REVIEW, headline="First headline")
    editor_client.post(change_url(article), article_post_data(article, standfirst="v2"))
    first = Version.objects.get_for_object(article).get()
    editor_client.post(change_url(article), article_post_data(article, headline="Second"))
    revert_url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])
    response = editor_client.post(revert_url, {"version": "2"}, follow=True)
    assert "after you started editing" in response.content.decode()
    article.refresh_from_db()
    assert article.headline == "Second"
    assert article.version == 3


@pytest.mark.django_db
def test_workflow_actions_are_recorded_in_history(editor_client):
    article = make_article(status=Article.Status.REVIEW)
    editor_client.post(reverse("admin:articles_article_changelist"),
                       {"action": "publish_now", "_selected_action": [article.pk]})
    comments = [v.revision.get_comment() for v in Version.objects.get_for_object(article)]
    assert comments == ["Published"]


@pytest.mark.django_db
def test_history_page_shows_what_the_editor_changed(editor_client):
    """A reporter can see exactly which words and tags the desk changed."""
    article = make_article(status=Article.Status.REVIEW, countries=["IN"],
                           standfirst="Talks ended without a deal.")
    editor_client.post(change_url(article), article_post_data(article, standfirst="v2"))
    editor_client.post(change_url(article), article_post_data(
        article, standfirst="Talks ended with a deal.",
        countries=[str(country("IN").pk), str(country("RU").pk)],
    ))
    page = editor_client.get(
        reverse("admin:articles_article_history", args=[article.pk])
    ).content.decode()
    assert "<del>v2</del> <ins>Talks ended with a deal.</ins>" in page
    assert "+ Russia" in page


@pytest.mark.django_db
def test_reporter_cannot_revert_a_published_story_back_to_their_draft(
    reporter_client, reporter, editor
):
    """Reverting is editing: a published story is out of the reporter's hands."""
    editor_client = Client()
    sign_in(editor_client, editor)
    article = make_article(status=Article.Status.DRAFT, created_by=reporter,
                           headline="Reporter's draft")
    reporter_client.post(change_url(article), article_post_data(article, standfirst="v2"))
    draft_version = Version.objects.get_for_object(article).get()
    editor_client.post(reverse("admin:articles_article_changelist"),
                       {"action": "publish_now", "_selected_action": [article.pk]})

    revert_url = reverse("admin:articles_article_revision", args=[article.pk, draft_version.pk])
    data = article_post_data(article, headline="Rewritten after publication")
    assert reporter_client.get(revert_url).status_code == 403
    assert reporter_client.post(revert_url, data).status_code == 403
    recover_url = reverse("admin:articles_article_recover", args=[draft_version.pk])
    assert reporter_client.post(recover_url, data).status_code == 403
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.headline == "Reporter's draft"


@pytest.mark.django_db
def test_editor_cannot_recover_an_article_that_still_exists(editor_client):
    article = make_article(status=Article.Status.REVIEW)
    editor_client.post(change_url(article), article_post_data(article, standfirst="v2"))
    version = Version.objects.get_for_object(article).get()
    url = reverse("admin:articles_article_recover", args=[version.pk])
    assert editor_client.get(url).status_code == 404
    assert editor_client.post(url).status_code == 404
    assert Version.objects.get_for_object(article).count() == 1


@pytest.mark.django_db
def test_reverting_to_a_version_whose_tag_was_merged_away_brings_back_the_kept_entry(
    editor_client, editor
):
    """A version tagged with a since-merged minister comes back with the entry it was
    merged into, and the revert page says so before anything changes."""
    from articles.editorial import services
    from tests.factories import make_minister

    sergey, sergei = make_minister("Sergey Lavrov"), make_minister("Sergei Lavrov")
    article = make_article(status=Article.Status.REVIEW, ministers=[sergei],
                           headline="Old headline")
    editor_client.post(change_url(article), article_post_data(article, standfirst="v2"))
    version = Version.objects.get_for_object(article).get()
    services.tag_merge(keep=sergey, merged=[sergei], by=editor)
    editor_client.post(change_url(article), article_post_data(
        article, headline="New headline", ministers=[]))

    revert_url = reverse("admin:articles_article_revision", args=[article.pk, version.pk])
    page = editor_client.get(revert_url).content.decode()
    assert "“Sergei Lavrov” was merged into “Sergey Lavrov”, which comes back" in page
    assert "+ Sergey Lavrov" in page
    article.refresh_from_db()
    response = editor_client.post(revert_url, {"version": str(article.version)})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "Old headline"
    assert list(article.ministers.names()) == ["Sergey Lavrov"]


@pytest.mark.django_db
def test_a_tag_merge_appears_in_each_affected_articles_history(editor_client, editor):
    from articles.editorial import services
    from tests.factories import make_minister

    sergey, sergei = make_minister("Sergey Lavrov"), make_minister("Sergei Lavrov")
    tagged = make_article(status=Article.Status.REVIEW, ministers=[sergei])
    both = make_article(status=Article.Status.REVIEW, ministers=[sergey, sergei])
    untouched = make_article(status=Article.Status.REVIEW, ministers=[sergey])
    for article in (tagged, both, untouched):
        editor_client.post(change_url(article), article_post_data(article, standfirst="v2"))
    services.tag_merge(keep=sergey, merged=[sergei], by=editor)

    for article in (tagged, both):
        page = editor_client.get(
            reverse("admin:articles_article_history", args=[article.pk])
        ).content.decode()
        assert "Ministers: “Sergei Lavrov” merged into “Sergey Lavrov”" in page
        assert "− Sergei Lavrov (merged into Sergey Lavrov)" in page
        latest = Version.objects.get_for_object(article)[0].revision
        assert latest.user == editor
    assert Version.objects.get_for_object(untouched).count() == 1


@pytest.mark.django_db
def test_reverting_a_published_story_keeps_its_address(editor_client, editor):
    """Bringing back an old version of a live story changes its words, not its URL."""
    from articles.editorial import services

    article = make_article(status=Article.Status.REVIEW, headline="Long wire headline",
                           slug="long-wire-headline")
    editor_client.post(change_url(article), article_post_data(article, standfirst="v1"))
    wire_version = Version.objects.get_for_object(article).get()
    editor_client.post(change_url(article), article_post_data(
        article, headline="Short headline", slug="short-headline"))
    services.article_publish(article=Article.objects.get(pk=article.pk), by=editor)
    article.refresh_from_db()
    url = article.get_absolute_url()

    revert_url = reverse("admin:articles_article_revision", args=[article.pk, wire_version.pk])
    response = editor_client.post(revert_url, {"version": str(article.version)})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "Long wire headline"
    assert article.status == Article.Status.PUBLISHED
    assert article.get_absolute_url() == url


@pytest.mark.django_db
def test_history_entries_say_what_happened_in_words(editor_client):
    """A correction, accepted suggestions and publishing read as such, not as field
    names."""
    from articles.admin.suggestions import ACCEPT_ALL_BUTTON
    from articles.models import Correction, Minister

    Minister.objects.create(name="Narendra Modi", office="Prime Minister")
    article = make_article("A delegation is received", status=Article.Status.REVIEW,
                           standfirst="A short meeting.",
                           body="<p>Narendra Modi met the delegation.</p>")
    data = article_post_data(article, **{
        "corrections-TOTAL_FORMS": "1", "corrections-0-kind": "correction",
        "corrections-0-note": "An earlier version misspelt the minister's name.",
    })
    editor_client.post(change_url(article), data)
    editor_client.post(change_url(article), {**article_post_data(article),
                                             ACCEPT_ALL_BUTTON: "1"})
    editor_client.post(change_url(article), article_post_data(article, workflow="publish"))

    comments = [v.revision.get_comment() for v in Version.objects.get_for_object(article)]
    assert comments == ["Published", "Tags: + Narendra Modi (suggested)",
                        "Correction added"]
    assert Correction.objects.filter(article=article).count() == 1


@pytest.mark.django_db
def test_a_byline_change_is_a_version_and_a_revert_restores_its_order(editor_client):
    """The desk reorders and changes the authors; history says so, and reverting brings
    back the byline as it read, in its order."""
    from articles.models import ArticleAuthor, Author

    article = make_article(status=Article.Status.REVIEW, headline="Ports deal signed",
                           authors=["Meera Iyer", "Arun Kumar"])
    editor_client.post(change_url(article), article_post_data(article, standfirst="v2"))
    first = Version.objects.get_for_object(article).get()
    stored = {v.field_dict["author_id"]: v.field_dict["position"]
              for v in first.revision.version_set.filter(
                  content_type__model="articleauthor")}
    meera, arun = Author.objects.get(name="Meera Iyer"), Author.objects.get(name="Arun Kumar")
    assert stored == {meera.pk: 0, arun.pk: 1}

    rows = list(article.article_authors.all())
    asha = Author.objects.create(name="Asha Rao", slug="asha-rao")
    editor_client.post(change_url(article), article_post_data(article, **{
        "article_authors-TOTAL_FORMS": "3",
        "article_authors-0-position": "1",  # Meera
        "article_authors-1-DELETE": "on",  # Arun
        "article_authors-1-position": str(rows[1].position),
        "article_authors-2-author": str(asha.pk), "article_authors-2-position": "0",
    }))
    assert [a.name for a in article.ordered_authors()] == ["Asha Rao", "Meera Iyer"]
    history_page = editor_client.get(
        reverse("admin:articles_article_history", args=[article.pk])).content.decode()
    assert "Meera Iyer, Arun Kumar → Asha Rao, Meera Iyer" in history_page

    article.refresh_from_db()
    revert_url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])
    assert "Asha Rao, Meera Iyer → Meera Iyer, Arun Kumar" in editor_client.get(
        revert_url).content.decode()
    response = editor_client.post(revert_url, {"version": str(article.version)})
    assert response.status_code == 302
    assert [a.name for a in article.ordered_authors()] == ["Meera Iyer", "Arun Kumar"]
    latest = Version.objects.get_for_object(article)[0].revision
    assert latest.version_set.filter(content_type__model="articleauthor").count() == 2
    assert ArticleAuthor.objects.filter(article=article).count() == 2


@pytest.mark.django_db
def test_reverting_to_a_version_stored_before_bylines_were_kept_leaves_the_byline(
    editor_client
):
    """A version whose revision holds no byline rows says nothing of the byline."""
    article = make_article(status=Article.Status.REVIEW, headline="First headline",
                           authors=["Meera Iyer"])
    editor_client.post(change_url(article), article_post_data(article, standfirst="v2"))
    first = Version.objects.get_for_object(article).get()
    first.revision.version_set.filter(content_type__model="articleauthor").delete()
    editor_client.post(change_url(article), article_post_data(article, headline="Second"))
    article.refresh_from_db()
    revert_url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])
    editor_client.post(revert_url, {"version": str(article.version)})
    article.refresh_from_db()
    assert article.headline == "First headline"
    assert [a.name for a in article.ordered_authors()] == ["Meera Iyer"]
