"""Merging two spellings of one minister keeps every article's tag."""

import pytest
from django.test import Client
from django.urls import reverse

from articles.editorial import services
from articles.models import Article, Minister
from tests.admin_forms import article_post_data
from tests.factories import make_article, make_editor, make_minister
from tests.signing_in import sign_in


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.mark.django_db
def test_merge_moves_tags_and_keeps_old_spelling_as_alias():
    sergey = make_minister("Sergey Lavrov", aliases=["Lavrov"])
    sergei = make_minister("Sergei Lavrov")
    only_old = make_article(ministers=[sergei])
    both = make_article(ministers=[sergey, sergei])
    only_new = make_article(ministers=[sergey])

    moved = services.tag_merge(keep=sergey, merged=[sergei])

    assert moved == 1
    for article in (only_old, both, only_new):
        assert list(article.ministers.names()) == ["Sergey Lavrov"]
    sergey.refresh_from_db()
    assert sergey.aliases == ["Lavrov", "Sergei Lavrov"]
    assert not Minister.objects.filter(name="Sergei Lavrov").exists()


@pytest.mark.django_db
def test_merge_action_asks_which_to_keep_then_merges(editor_client):
    sergey = make_minister("Sergey Lavrov")
    sergei = make_minister("Sergei Lavrov")
    make_article(ministers=[sergei])
    url = reverse("admin:articles_minister_changelist")
    selected = {"action": "merge", "_selected_action": [sergey.pk, sergei.pk]}

    confirm = editor_client.post(url, selected)
    assert confirm.status_code == 200
    assert "Keep which entry?" in confirm.content.decode()

    done = editor_client.post(url, {**selected, "keep": sergey.pk}, follow=True)
    assert "Merged “Sergei Lavrov” into “Sergey Lavrov”: 1 article tag moved" in \
        done.content.decode()
    assert list(Minister.objects.values_list("name", flat=True)) == ["Sergey Lavrov"]


@pytest.mark.django_db
def test_reporter_cannot_merge_vocabulary(reporter_client):
    a, b = make_minister("Sergey Lavrov"), make_minister("Sergei Lavrov")
    reporter_client.post(reverse("admin:articles_minister_changelist"),
                         {"action": "merge", "_selected_action": [a.pk, b.pk], "keep": a.pk})
    assert Minister.objects.count() == 2


@pytest.mark.django_db
def test_a_second_entry_may_share_an_alias_with_a_warning_but_not_a_name(editor_client):
    """Two ministers answering to "Lavrov": the tagger settles it in each story."""
    make_minister("Sergey Lavrov", aliases=["Lavrov"])
    response = editor_client.post(reverse("admin:articles_minister_add"), {
        "name": "Ivan Lavrov", "office": "", "aliases": "Lavrov",
    }, follow=True)
    assert response.status_code == 200
    assert "“Lavrov” is shared with Sergey Lavrov" in response.content.decode()
    assert Minister.objects.get(name="Ivan Lavrov").aliases == ["Lavrov"]

    response = editor_client.post(reverse("admin:articles_minister_add"), {
        "name": "Lavrov", "office": "", "aliases": "",
    })
    assert response.status_code == 200
    assert "“Lavrov” already stands for" in (
        response.content.decode())
    assert Minister.objects.count() == 2


@pytest.mark.django_db
def test_dashes_in_names_become_hyphens_in_slugs():
    from tests.factories import make_policy

    assert make_policy("North–South Transport Corridor").slug == "north-south-transport-corridor"


@pytest.mark.django_db
def test_a_merge_is_recorded_and_shown_on_the_kept_entry(editor_client, editor):
    """Who merged which spelling into which entry, and when, stays on record."""
    from articles.models import TagMerge

    sergey, sergei = make_minister("Sergey Lavrov"), make_minister("Sergei Lavrov")
    old_id, old_slug = sergei.pk, sergei.slug
    url = reverse("admin:articles_minister_changelist")
    editor_client.post(url, {"action": "merge", "_selected_action": [sergey.pk, sergei.pk],
                             "keep": sergey.pk})

    merge = TagMerge.objects.get()
    assert (merge.taxonomy, merge.old_id, merge.old_name, merge.old_slug) == \
        ("minister", old_id, "Sergei Lavrov", old_slug)
    assert (merge.kept_id, merge.kept_name, merge.merged_by) == \
        (sergey.pk, "Sergey Lavrov", editor)
    page = editor_client.get(reverse("admin:articles_minister_change", args=[sergey.pk]))
    assert "“Sergei Lavrov” (" in page.content.decode()
    assert f"by {editor.get_full_name()}" in page.content.decode()


@pytest.mark.django_db
def test_a_merge_of_a_merge_leads_to_the_entry_kept_last():
    from articles.models import TagMerge

    first, second, last = (make_minister(n) for n in ("S. Lavrov", "Sergei Lavrov",
                                                       "Sergey Lavrov"))
    ids = first.pk, second.pk, last.pk
    services.tag_merge(keep=second, merged=[first])
    services.tag_merge(keep=last, merged=[second])
    assert TagMerge.objects.kept_ids("minister", set(ids)) == {ids[0]: ids[2], ids[1]: ids[2]}


def _merged_twice(old):
    """``old`` merged into a new spelling, and that one into a third: the last kept."""
    middle = make_minister("Abbas A Araghchi")
    services.tag_merge(keep=middle, merged=[old])
    kept = make_minister("Abbas A. Araghchi")
    services.tag_merge(keep=kept, merged=[middle])
    return kept


@pytest.mark.django_db
def test_a_form_opened_before_a_merge_saves_with_the_kept_entry(editor_client):
    """Priya's form still posts the merged-away minister: her save reads it as the
    entry it was merged into, instead of "not one of the available choices" and an
    empty Ministers field whose next save drops the tag from the live story."""
    old = make_minister("Abbas Araghchi")
    article = make_article(ministers=[old])
    priya_form = article_post_data(article, dateline="Tehran")
    _merged_twice(old)

    response = editor_client.post(change_url(article), priya_form)

    assert response.status_code == 302, response.content.decode()
    article = Article.objects.get()
    assert (article.dateline, list(article.ministers.names())) == \
        ("Tehran", ["Abbas A. Araghchi"])


@pytest.mark.django_db
def test_a_stale_form_naming_a_merged_entry_comes_back_with_the_kept_one(editor_client):
    """Refused as stale (a colleague saved meanwhile), the form shows the kept entry
    chosen, so her next save keeps the story's minister."""
    old = make_minister("Abbas Araghchi")
    article = make_article(ministers=[old])
    priya_form = article_post_data(article, dateline="Tehran")
    kept = _merged_twice(old)
    colleague = sign_in(Client(), make_editor("asha"))
    assert colleague.post(change_url(article), article_post_data(
        article, standfirst="Talks resume.")).status_code == 302

    response = editor_client.post(change_url(article), priya_form)

    page = response.content.decode()
    assert response.status_code == 200
    assert "not one of the available choices" not in page
    assert "What the other save changed" in page
    assert f'<option value="{kept.pk}" selected>Abbas A. Araghchi</option>' in page
    assert list(Article.objects.get().ministers.names()) == ["Abbas A. Araghchi"]
