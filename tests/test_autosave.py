"""Nothing ever lost: the server keeps each user's unsaved form, offers it back on
reopening from any browser, and never lets anyone store a copy of what they cannot edit."""

import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.caching import state
from articles.editorial.roles import EDITOR
from articles.models import Article, AutosavedCopy
from tests.admin_forms import article_post_data
from tests.factories import make_article, make_editor, make_reporter, make_user
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db


def autosave_url(article=None):
    if article is None:
        return reverse("admin:articles_article_autosave_new")
    return reverse("admin:articles_article_autosave", args=[article.pk])


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def autosave(client, article=None, opened_version="1", **fields):
    state = {"headline": ["A headline typed, not saved"], "body": ["<p>Unsaved words.</p>"],
             **{name: [value] for name, value in fields.items()}}
    return client.post(autosave_url(article), {"fields": json.dumps(state),
                                               "opened_version": opened_version})


def offered_copy(response):
    """The copy the change form offers back (its json_script), or None."""
    page = response.content.decode()
    start = page.find('<script id="nr-autosave-copy" type="application/json">')
    if start == -1:
        return None
    start = page.index(">", start) + 1
    return json.loads(page[start:page.index("</script>", start)])


def test_a_copy_is_stored_for_its_user_and_the_article_is_untouched(client, editor_client):
    """Autosave writes the copy only: not the article, not the page cache's state."""
    article = make_article("Live story", body="<p>As published.</p>")
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "miss"
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"
    saved_at, sequence = article.updated_at, state.write_sequence()
    generation = state.content_generation()

    response = autosave(editor_client, article, body="<p>Half a correction.</p>")

    assert response.status_code == 200
    assert "saved_at" in response.json()
    copy = AutosavedCopy.objects.get()
    assert copy.article_id == article.pk
    assert copy.fields["body"] == ["<p>Half a correction.</p>"]
    article.refresh_from_db()
    assert (article.body, article.version, article.updated_at) == \
        ("<p>As published.</p>", 1, saved_at)
    assert state.write_sequence() == sequence
    assert state.content_generation() == generation
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"


def test_reopening_in_another_browser_offers_the_copy_back(editor):
    """Arun's laptop crashes; on the desk's PC the story offers his text back."""
    article = make_article(status=Article.Status.DRAFT)
    laptop, desk_pc = sign_in(Client(), editor), sign_in(Client(), editor)
    autosave(laptop, article, body="<p>Three paragraphs nobody saved.</p>")

    copy = offered_copy(desk_pc.get(change_url(article)))

    assert copy["fields"]["body"] == ["<p>Three paragraphs nobody saved.</p>"]
    assert copy["saved_at"] == timezone.localtime().strftime("%H:%M")


def test_each_user_is_offered_only_their_own_copy(editor_client, reporter_client, reporter):
    """An editor working on a reporter's story keeps a copy of their own."""
    article = make_article(status=Article.Status.REVIEW, created_by=reporter)
    autosave(reporter_client, article, body="<p>The reporter's words.</p>")
    assert offered_copy(editor_client.get(change_url(article))) is None

    autosave(editor_client, article, body="<p>The editor's words.</p>")

    assert AutosavedCopy.objects.count() == 2
    assert offered_copy(reporter_client.get(change_url(article)))["fields"]["body"] == \
        ["<p>The reporter's words.</p>"]
    assert offered_copy(editor_client.get(change_url(article)))["fields"]["body"] == \
        ["<p>The editor's words.</p>"]


def test_a_successful_save_deletes_the_copy(editor_client):
    article = make_article(status=Article.Status.DRAFT)
    autosave(editor_client, article)

    response = editor_client.post(change_url(article),
                                  article_post_data(article, standfirst="Saved at last."))

    assert response.status_code == 302
    assert not AutosavedCopy.objects.exists()
    assert offered_copy(editor_client.get(change_url(article))) is None


def test_a_save_refused_by_validation_keeps_every_field_and_the_copy(editor_client):
    article = make_article(status=Article.Status.DRAFT)
    autosave(editor_client, article)

    response = editor_client.post(change_url(article), article_post_data(
        article, headline="", body="<p>Typed just before pressing Save.</p>", _save="Save"))

    assert response.status_code == 200
    assert "Typed just before pressing Save." in response.content.decode()
    copy = AutosavedCopy.objects.get()
    assert copy.fields["body"] == ["<p>Typed just before pressing Save.</p>"]
    assert not {"csrfmiddlewaretoken", "version", "_save"} & set(copy.fields)


def test_a_new_article_has_a_copy_until_it_is_first_saved(editor_client):
    add = reverse("admin:articles_article_add")
    autosave(editor_client, None, headline="Draft that has no id yet")
    assert offered_copy(editor_client.get(add))["fields"]["headline"] == \
        ["Draft that has no id yet"]

    assert editor_client.post(add, article_post_data()).status_code == 302

    assert not AutosavedCopy.objects.exists()


def test_discard_deletes_only_the_users_copy(editor_client, reporter_client, reporter):
    article = make_article(status=Article.Status.DRAFT, created_by=reporter)
    autosave(editor_client, article)
    autosave(reporter_client, article)

    response = editor_client.post(autosave_url(article), {"discard": "1"})

    assert response.json() == {"discarded": True}
    assert list(AutosavedCopy.objects.values_list("user__username", flat=True)) == ["arun"]


def test_copies_older_than_30_days_are_not_offered_and_are_deleted():
    editor, colleague = make_editor(), make_editor("asha")
    article = make_article(status=Article.Status.DRAFT)
    with time_machine.travel(timezone.now() - timedelta(days=31)):
        autosave(sign_in(Client(), editor), article)
    client = sign_in(Client(), editor)
    assert offered_copy(client.get(change_url(article))) is None

    autosave(sign_in(Client(), colleague), article)  # any write purges the expired

    assert list(AutosavedCopy.objects.values_list("user__username", flat=True)) == ["asha"]


# --- refused ------------------------------------------------------------------------------

def test_a_reporter_cannot_store_a_copy_of_a_story_they_may_not_change(reporter_client,
                                                                       reporter):
    colleagues_draft = make_article(status=Article.Status.DRAFT,
                                    created_by=make_reporter("meena"))
    own_published = make_article(created_by=reporter)

    assert autosave(reporter_client, colleagues_draft).status_code == 404
    refused = autosave(reporter_client, own_published)
    assert refused.status_code == 403
    assert refused.json()["error"] == "You may not change this article now, so it is not " \
        "autosaved."
    assert not AutosavedCopy.objects.exists()


def test_a_read_only_view_of_an_article_neither_autosaves_nor_counts_as_open(reporter_client):
    article = make_article()  # published: the reporter may read it in the admin, not change it
    response = reporter_client.get(change_url(article))
    assert response.status_code == 200 and response.context_data["original"] == article
    assert 'id="nr-autosave"' not in response.content.decode()
    assert not article.presences.exists()


@pytest.mark.parametrize(("object_id", "status"), [
    ("999999", 404), ("abc", 404), ("99999999999999999999999", 404), ("1%00", 400)])
def test_a_nonsense_or_unknown_article_id_is_refused(editor_client, object_id, status):
    make_article(status=Article.Status.DRAFT)
    response = editor_client.post(f"/admin/articles/article/{object_id}/autosave/",
                                  {"fields": "{}"})
    assert response.status_code == status
    assert not AutosavedCopy.objects.exists()


def test_only_a_signed_in_post_with_its_csrf_token_is_taken(editor):
    article = make_article(status=Article.Status.DRAFT)
    assert autosave(Client(), article).status_code == 302  # to the sign-in page
    careful = sign_in(Client(enforce_csrf_checks=True), editor)
    assert autosave(careful, article).status_code == 403
    assert sign_in(Client(), editor).get(autosave_url(article)).status_code == 405
    former_staff = make_user("left", role=EDITOR)
    former_staff.is_staff = False
    former_staff.save()
    assert autosave(sign_in(Client(), former_staff), article).status_code == 302
    assert not AutosavedCopy.objects.exists()


@pytest.mark.parametrize(("fields", "said"), [
    ("not json", "did not carry a form's fields"),
    ('["a list"]', "did not carry a form's fields"),
    ('{"body": "not a list"}', "did not carry a form's fields"),
    ('{"body": [1, 2]}', "did not carry a form's fields"),
    ('{"body": ["NUL \\u0000 here"]}', "cannot be stored"),
    ('{"body": ["half a character \\ud800"]}', "cannot be stored"),
])
def test_a_malformed_copy_gets_a_clear_error_and_stores_nothing(editor_client, fields, said):
    article = make_article(status=Article.Status.DRAFT)
    response = editor_client.post(autosave_url(article), {"fields": fields})
    assert response.status_code == 400
    assert said in response.json()["error"]
    assert not AutosavedCopy.objects.exists()


def test_a_copy_over_the_import_limit_is_refused(editor_client, settings):
    settings.NEWSROOM_IMPORT_MAX_BYTES = 1024 * 1024
    article = make_article(status=Article.Status.DRAFT)
    autosave(editor_client, article, body="<p>The last copy that fitted.</p>")

    response = autosave(editor_client, article, body="x" * (1024 * 1024 + 1))

    assert response.status_code == 400
    assert "larger than the autosave limit of 1048576 bytes" in response.json()["error"]
    assert AutosavedCopy.objects.get().fields["body"] == ["<p>The last copy that fitted.</p>"]
    beyond_django = autosave(editor_client, article, body="x" * (3 * 1024 * 1024))
    assert beyond_django.status_code == 400  # Django's own request limit, not a 500
    too_many = {f"field{n}": ["x"] for n in range(1001)}
    response = editor_client.post(autosave_url(article), {"fields": json.dumps(too_many)})
    assert response.status_code == 400
    assert AutosavedCopy.objects.get().fields["body"] == ["<p>The last copy that fitted.</p>"]


# --- who else has it open --------------------------------------------------------------

def presence_url(article):
    return reverse("admin:articles_article_presence", args=[article.pk])


def make_asha():
    return make_user("asha", role=EDITOR, first_name="Asha", last_name="Rao")


def test_two_editors_on_one_story_are_told_of_each_other(editor):
    """Asha opens the story at 10:40; Priya, opening it later, is told; it never locks."""
    asha = make_asha()
    article = make_article(status=Article.Status.REVIEW)
    asha_client, priya = sign_in(Client(), asha), sign_in(Client(), editor)
    opened = timezone.now().replace(second=0, microsecond=0)
    with time_machine.travel(opened, tick=False):
        asha_client.get(change_url(article))
    with time_machine.travel(opened + timedelta(seconds=30), tick=False):
        page = priya.get(change_url(article)).content.decode()
        beat = asha_client.post(presence_url(article)).json()

    since = timezone.localtime(opened).strftime("%H:%M")
    assert f"Asha Rao has had this article open since {since}." in page
    assert beat["others"].startswith("Priya Sharma has had this article open since")
    assert "Asha" not in beat["others"]  # nobody is warned about themselves
    response = priya.post(change_url(article), article_post_data(article, standfirst="Mine"))
    assert response.status_code == 302  # a warning, not a lock


def test_a_closed_or_silent_form_no_longer_counts_as_open(editor):
    asha = make_asha()
    article = make_article(status=Article.Status.REVIEW)
    asha_client, priya = sign_in(Client(), asha), sign_in(Client(), editor)
    asha_client.get(change_url(article))
    assert "Asha Rao has had" in priya.post(presence_url(article)).json()["others"]

    asha_client.post(presence_url(article), {"leaving": "1"})
    assert priya.post(presence_url(article)).json()["others"] == ""

    asha_client.get(change_url(article))
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert priya.post(presence_url(article)).json()["others"] == ""


def test_presence_is_refused_on_a_story_the_user_may_not_change(reporter_client):
    article = make_article()  # published: a reporter cannot change it
    assert reporter_client.post(presence_url(article)).status_code == 403
    assert reporter_client.get(presence_url(article)).status_code == 405


# --- a refused stale save ----------------------------------------------------------------

def test_a_stale_save_shows_what_the_other_save_changed_and_keeps_the_text(editor):
    """Priya's save comes second: she sees the colleague's edit and keeps her text."""
    article = make_article(status=Article.Status.REVIEW)
    colleague = sign_in(Client(), make_editor("asha"))
    priya = sign_in(Client(), editor)
    first = article_post_data(article, body="<p>The talks ended on Tuesday.</p>")
    assert priya.post(change_url(article), first).status_code == 302  # version 2, kept
    priya_form = article_post_data(article)
    other_form = article_post_data(article, body="<p>The talks ended on Wednesday.</p>")
    assert colleague.post(change_url(article), other_form).status_code == 302

    priya_form["body"] = "<p>The talks ended on Tuesday, officials said.</p>"
    response = priya.post(change_url(article), priya_form)

    page = response.content.decode()
    assert "What the other save changed" in page
    assert "<del>Tuesday.</del> <ins>Wednesday.</ins>" in page
    assert 'data-keep-mine="3"' in page
    assert "Load their version" in page
    assert "The talks ended on Tuesday, officials said." in page  # hers, in the form
    assert AutosavedCopy.objects.get().fields["body"] == [
        "<p>The talks ended on Tuesday, officials said.</p>"]
    assert Article.objects.get().body == "<p>The talks ended on Wednesday.</p>"


def test_a_copy_made_before_a_later_save_says_so_and_edits_the_version_it_was_made_from(
    editor, reporter_client, reporter
):
    article = make_article(status=Article.Status.REVIEW, created_by=reporter)
    autosave(reporter_client, article, opened_version="1")
    assert sign_in(Client(), editor).post(
        change_url(article), article_post_data(article, dateline="Vladivostok")
    ).status_code == 302

    copy = offered_copy(reporter_client.get(change_url(article)))

    assert (copy["opened_version"], copy["newer_save"]) == (1, True)


def test_after_a_stale_refusal_the_form_autosaves_as_the_version_it_was_opened_at(
    editor_client, reporter_client, reporter
):
    """Its copy, restored later, is refused as stale too rather than saved over theirs."""
    article = make_article(status=Article.Status.REVIEW, created_by=reporter)
    opened = article_post_data(article, standfirst="Arun's")
    editor_client.post(change_url(article), article_post_data(article, dateline="Sochi"))

    page = reporter_client.post(change_url(article), opened).content.decode()

    assert 'data-opened-version="1"' in page
    assert AutosavedCopy.objects.get().opened_version == 1


# --- a reporter's save after an editor published ------------------------------------------

def _published_under_the_reporter(editor, reporter_client, reporter):
    """The reporter submits a story and keeps its form open; Priya publishes it."""
    article = make_article(status=Article.Status.REVIEW, created_by=reporter)
    opened = article_post_data(article)
    assert sign_in(Client(), editor).post(change_url(article), article_post_data(
        article, workflow="publish")).status_code == 302
    return article, opened


def test_a_reporters_save_after_publication_says_who_published_and_keeps_the_text(
    editor, reporter_client, reporter
):
    article, opened = _published_under_the_reporter(editor, reporter_client, reporter)
    opened["standfirst"] = "Talks in Moscow end with a plan, officials said."

    response = reporter_client.post(change_url(article), opened)

    page = response.content.decode()
    assert response.status_code == 403
    assert 'id="site-name"' in page  # the admin's own page, not a bare 403
    published_at = timezone.localtime(Article.objects.get().published_at).strftime("%H:%M")
    assert f"Priya Sharma published this story at {published_at}" in page
    assert "reporters cannot change a published story" in page
    assert "Your text is kept as your autosaved copy" in page
    assert "Talks in Moscow end with a plan, officials said." in page  # to copy from
    assert AutosavedCopy.objects.get(user=reporter).fields["standfirst"] == [
        "Talks in Moscow end with a plan, officials said."]
    assert Article.objects.get().standfirst == article.standfirst  # as published


def test_the_autosave_line_says_who_published_the_story(editor, reporter_client, reporter):
    article, _ = _published_under_the_reporter(editor, reporter_client, reporter)

    refused = autosave(reporter_client, article, standfirst="More words")

    published_at = timezone.localtime(Article.objects.get().published_at).strftime("%H:%M")
    assert refused.status_code == 403
    assert refused.json()["error"] == (
        f"Published by Priya Sharma at {published_at}: you can no longer change it, so it "
        "is not autosaved.")
    assert not AutosavedCopy.objects.exists()


def test_the_stale_page_has_one_set_of_notes_names_who_has_it_open_and_no_stray_markup(
    editor
):
    """The refused save's page: one presence note (naming the colleague still in the
    story), one autosave state, one offer box that says it is the stale page's, and no
    broken fragment of markup shown as text."""
    asha = make_asha()
    article = make_article(status=Article.Status.REVIEW)
    asha_client, priya = sign_in(Client(), asha), sign_in(Client(), editor)
    priya.get(change_url(article))
    priya_form = article_post_data(article, standfirst="Priya's")
    asha_client.get(change_url(article))
    assert asha_client.post(change_url(article),
                            article_post_data(article, dateline="Sochi")).status_code == 302
    asha_client.get(change_url(article))  # she carries on in the story

    page = priya.post(change_url(article), priya_form).content.decode()

    assert "What the other save changed" in page
    for name in ("nr-autosave-offer", "nr-presence", "nr-autosave-state"):
        assert page.count(f'class="{name}') == 1, name
    assert page.count('id="nr-autosave"') == 1
    assert 'data-stale="1"' in page  # the script offers no restore here
    assert '1">' not in re.sub(r"<[^>]*>", "", page)  # nothing of a tag shown as text
    assert "Asha Rao has had this article open since" in page


def test_two_saves_of_one_form_that_cross_keep_one_copy_not_a_500(editor_client, editor,
                                                                     monkeypatch):
    """The timed save and the page-hide save of one form arrive together: the second's
    insert meets the first's row; it replaces that copy instead of failing."""
    article = make_article(status=Article.Status.DRAFT)
    manager = type(AutosavedCopy.objects)
    real = manager.update_or_create
    crossed = []

    def the_other_request_first(self, **kwargs):
        if not crossed:
            crossed.append(True)
            AutosavedCopy.objects.create(user=editor, article=article,
                                         fields={"body": ["<p>Timed.</p>"]})
            raise IntegrityError("UNIQUE constraint failed")
        return real(self, **kwargs)

    monkeypatch.setattr(manager, "update_or_create", the_other_request_first)
    response = autosave(editor_client, article, body="<p>On page hide.</p>")

    assert response.status_code == 200
    assert AutosavedCopy.objects.get().fields["body"] == ["<p>On page hide.</p>"]


@pytest.mark.parametrize("digit", ["²", "٣", "9" * 30])
def test_digits_no_database_reads_as_an_id_get_an_answer_not_a_500(editor_client, digit):
    """"²" and "٣" are digits to str.isdigit, not to int(); 30 nines are past any id."""
    article = make_article(status=Article.Status.DRAFT)
    stored = autosave(editor_client, article, opened_version=digit, countries=digit)
    assert stored.status_code in (200, 400)
    assert editor_client.get(change_url(article)).status_code == 200
    posted = editor_client.post(change_url(article),
                                article_post_data(article, countries=[digit]))
    assert posted.status_code == 200  # the form names the bad choice
    assert not Article.objects.get().countries.exists()


def test_json_nested_past_the_stack_is_refused_not_a_500(reporter_client, reporter):
    article = make_article(status=Article.Status.DRAFT, created_by=reporter)
    response = reporter_client.post(autosave_url(article), {"fields": "[" * 100_000,
                                                            "opened_version": "1"})
    assert response.status_code == 400
    assert not AutosavedCopy.objects.exists()
