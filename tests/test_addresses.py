"""Addresses that follow the headline: a draft's slug follows it, a published story's
address moves only when an editor moves it, and every old address answers 301 to where
the story is now, for good (DESIGN.md, "Public URLs")."""

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.editorial import services
from articles.models import Article, RetiredAddress
from tests.admin_forms import article_post_data
from tests.factories import make_article

Status = Article.Status

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def address(article):
    return Article.objects.get(pk=article.pk).get_absolute_url()


def errors_on(response):
    return response.context["adminform"].form.errors


def rename(article, *slugs, by):
    """An editor gives the article each slug in turn; the article as saved last."""
    for slug in slugs:
        article = Article.objects.get(pk=article.pk)
        article.slug = slug
        services.article_save(article=article, by=by, slug_changed=True)
    return article


def live(headline="India and Russia sign a trade pact", **kwargs):
    kwargs.setdefault("published_at", timezone.now() - timedelta(days=3))
    return make_article(headline, slug="india-and-russia-sign-a-trade-pact", **kwargs)


# --- before publication the slug follows the headline ---------------------------------


def test_a_drafts_slug_follows_its_new_headline(editor_client):
    article = make_article("Old headline", slug="old-headline", status=Status.DRAFT)
    data = article_post_data(article, headline="Ministers meet in Delhi on Friday")
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).slug == "ministers-meet-in-delhi-on-friday"


def test_a_rewritten_wire_headline_gets_a_new_slug(editor_client):
    article = make_article("Ministers from Kazakhstan and India agreed on Thursday",
                           slug="ministers-from-kazakhstan-and-india-agreed-on-thursday",
                           status=Status.REVIEW, headline_needs_review=True)
    data = article_post_data(article, headline="Kazakhstan and India to study rail link")
    editor_client.post(change_url(article), data)
    article.refresh_from_db()
    assert article.slug == "kazakhstan-and-india-to-study-rail-link"
    assert not article.headline_needs_review


def test_a_slug_typed_with_the_new_headline_is_kept(editor_client):
    article = make_article("Old headline", slug="old-headline", status=Status.DRAFT)
    data = article_post_data(article, headline="A new headline", slug="delhi-talks")
    editor_client.post(change_url(article), data)
    assert Article.objects.get(pk=article.pk).slug == "delhi-talks"


def test_a_followed_slug_is_numbered_past_a_retired_one(editor):
    rename(live(), "pact-signed", by=editor)
    draft = make_article("Draft", slug="draft", status=Status.DRAFT)
    draft.headline = "India and Russia sign a trade pact"
    services.article_save(article=draft, by=editor, headline_changed=True)
    assert draft.slug == "india-and-russia-sign-a-trade-pact-2"


def test_an_empty_slug_on_a_new_article_is_made_from_the_headline(editor_client):
    data = article_post_data(slug="")
    response = editor_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302
    assert Article.objects.get().slug == "ministers-agree-to-revive-the-northern-trade-route"


def test_a_published_storys_headline_change_keeps_its_address(editor_client):
    article = live()
    before = address(article)
    editor_client.post(change_url(article),
                       article_post_data(article, headline="Pact signed in Moscow"))
    assert address(article) == before
    assert not RetiredAddress.objects.exists()


# --- after publication: an editor moves the address, the old one answers 301 ---------


def test_renaming_a_published_slug_redirects_the_old_link(editor_client, client):
    article = live()
    old = address(article)
    assert client.get(old).status_code == 200
    response = editor_client.post(change_url(article),
                                  article_post_data(article, slug="pact-signed"))
    assert response.status_code == 302
    new = address(article)
    assert new.endswith("/pact-signed/")
    moved = client.get(old)
    assert moved.status_code == 301
    assert moved["Location"] == new
    assert client.get(new).status_code == 200


def test_the_form_shows_the_address_and_the_old_ones_leading_there(editor_client, editor):
    article = live()
    old = address(article)
    rename(article, "pact-signed", by=editor)
    page = editor_client.get(change_url(article)).content.decode()
    assert f"{address(article)}<br>Old addresses, which lead here: {old}" in page
    draft = make_article(status=Status.DRAFT)
    page = editor_client.get(change_url(draft)).content.decode()
    assert "the slug follows the headline until it is published" in page


def test_changing_the_publication_date_redirects_the_old_link(editor_client, client):
    article = live()
    old = address(article)
    earlier = timezone.localtime(article.published_at) - timedelta(days=2)
    data = article_post_data(article, published_at=earlier.strftime("%Y-%m-%dT%H:%M"),
                             workflow="update")
    assert editor_client.post(change_url(article), data).status_code == 302
    new = address(article)
    assert new != old and earlier.strftime("/%Y/%m/%d/") in new
    assert client.get(old)["Location"] == new
    assert client.get(new).status_code == 200


def test_an_unchanged_publication_time_keeps_its_seconds(editor_client):
    article = live()
    saved = Article.objects.get(pk=article.pk).published_at
    shown = timezone.localtime(saved).strftime("%Y-%m-%dT%H:%M")
    editor_client.post(change_url(article), article_post_data(article, published_at=shown))
    assert Article.objects.get(pk=article.pk).published_at == saved


def test_a_live_story_cannot_move_into_the_future(editor_client):
    article = live()
    later = timezone.localtime() + timedelta(days=2)
    response = editor_client.post(change_url(article), article_post_data(
        article, published_at=later.strftime("%Y-%m-%dT%H:%M")))
    assert response.status_code == 200
    assert "cannot move into the future" in str(errors_on(response)["published_at"])
    assert address(article) == Article.objects.get(pk=article.pk).get_absolute_url()
    assert not RetiredAddress.objects.exists()


def test_a_reporter_never_sees_the_publication_time_field(reporter_client, reporter):
    article = make_article(status=Status.DRAFT, created_by=reporter)
    page = reporter_client.get(change_url(article)).content.decode()
    assert 'name="published_at"' not in page


def test_a_chain_of_moves_redirects_straight_to_the_last_address(editor, client):
    article = live()
    first = address(article)
    article = rename(article, "pact-signed", "pact-signed-in-moscow", by=editor)
    second = first.replace("india-and-russia-sign-a-trade-pact", "pact-signed")
    last = address(article)
    assert client.get(first)["Location"] == last
    assert client.get(second)["Location"] == last


def test_moving_back_to_an_old_address_serves_it_again(editor, client):
    article = live()
    first = address(article)
    rename(article, "pact-signed", "india-and-russia-sign-a-trade-pact", by=editor)
    assert client.get(first).status_code == 200
    assert client.get(first.replace("india-and-russia-sign-a-trade-pact",
                                    "pact-signed")).status_code == 301


def test_an_old_address_of_a_withdrawn_story_leads_to_its_410(editor, client):
    article = live()
    old = address(article)
    article = rename(article, "pact-signed", by=editor)
    services.article_withdraw(article=article, by=editor, reason="Legal")
    assert client.get(old, follow=True).status_code == 410


def test_moving_a_scheduled_story_retires_no_address(editor, client):
    article = make_article("Later", slug="later",
                           published_at=timezone.now() + timedelta(days=1))
    rename(article, "much-later", by=editor)
    assert not RetiredAddress.objects.exists()


# --- no other article may take a retired address -------------------------------------


def test_a_new_article_cannot_take_a_retired_address(editor_client, editor):
    article = live()
    article = rename(article, "pact-signed", by=editor)
    data = article_post_data(slug="india-and-russia-sign-a-trade-pact")
    response = editor_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    assert "still leads there" in str(errors_on(response)["slug"])
    assert Article.objects.count() == 1


def test_the_service_refuses_a_retired_address_too(editor):
    article = live()
    article = rename(article, "pact-signed", by=editor)
    other = make_article("Other", slug="other", status=Status.DRAFT)
    other.slug = "india-and-russia-sign-a-trade-pact"
    with pytest.raises(services.ActionRefused):
        services.article_save(article=other, by=editor, slug_changed=True)


def test_a_wire_import_numbers_its_slug_past_a_retired_one(editor, tmp_path):
    from articles.wire.files import import_file

    article = make_article(slug="ministers-meet-in-delhi",
                           published_at=timezone.now() - timedelta(days=1))
    rename(article, "delhi-meeting", by=editor)
    wire = tmp_path / "a.txt"
    wire.write_text("date 2024-03-14 Ministers meet in Delhi. They talk.\n")
    import_file(wire)
    assert Article.objects.exclude(pk=article.pk).get().slug == "ministers-meet-in-delhi-2"


# --- crafted slugs ---------------------------------------------------------------------


@pytest.mark.parametrize(("slug", "says"), [
    ("pact\x07signed", "only letters"),
    ("pact\x00signed", "Null characters are not allowed"),
    ("pact-signed\u202e", "only letters"),
    ("pact signed", "only letters"),
    ("a" * 201, "at most 200 characters"),
    ("", "Readers know this article by its address"),
])
def test_a_crafted_slug_is_refused_with_a_clear_message(editor_client, client, slug, says):
    article = live()
    old = address(article)
    response = editor_client.post(change_url(article), article_post_data(article, slug=slug))
    assert response.status_code == 200
    assert says in str(errors_on(response)["slug"])
    assert address(article) == old
    assert client.get(old).status_code == 200
    assert not RetiredAddress.objects.exists()


@pytest.mark.parametrize(("typed", "says"), [
    ("not a time", "Enter a valid date/time"),
    ("1899-12-31T12:00", "outside the accepted publication dates"),
    ("9999-12-31T12:00", "outside the accepted publication dates"),
    ("", "needs its publication time"),
    ("2024-01-01T12:00\x00", "The time contains"),
    ("2024-01-01\x0bT12:00", "The time contains"),
])
def test_a_crafted_publication_time_is_refused_with_a_clear_message(
    editor_client, client, typed, says
):
    article = live()
    old = address(article)
    response = editor_client.post(change_url(article),
                                  article_post_data(article, published_at=typed))
    assert response.status_code == 200
    assert says in str(errors_on(response)["published_at"])
    assert address(article) == old
    assert client.get(old).status_code == 200


@pytest.mark.parametrize("status", [Status.DRAFT, Status.REVIEW])
def test_a_posted_publication_time_is_ignored_before_publication(editor_client, status):
    """Only a live story offers the field; a hand-made POST cannot set the time."""
    article = make_article(status=status)
    response = editor_client.post(change_url(article),
                                  article_post_data(article, published_at="2024-01-01T12:00"))
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).published_at is None


def test_a_slug_another_article_has_is_refused_by_name(editor_client):
    make_article("Trade pact signed", slug="pact-signed")
    article = live()
    response = editor_client.post(change_url(article),
                                  article_post_data(article, slug="pact-signed"))
    assert "“Trade pact signed”, has this address" in str(errors_on(response)["slug"])



# --- caches, sitemaps and feeds follow the move --------------------------------------


def test_a_cached_redirect_follows_a_later_move(editor, client):
    article = live()
    old = address(article)
    rename(article, "pact-signed", by=editor)
    first = client.get(old)
    assert (first.status_code, first["X-Page-Cache"]) == (301, "miss")
    again = client.get(old)
    assert (again.status_code, again["X-Page-Cache"]) == (301, "hit")
    assert again["Location"] == first["Location"]
    article = rename(article, "pact-signed-in-moscow", by=editor)
    assert client.get(old)["Location"] == address(article)


def test_a_cached_page_at_the_old_address_is_replaced_by_the_redirect(editor, client):
    article = live()
    old = address(article)
    assert client.get(old).status_code == 200
    assert client.get(old)["X-Page-Cache"] == "hit"
    rename(article, "pact-signed", by=editor)
    assert client.get(old).status_code == 301


@pytest.mark.parametrize("url", ["articles:sitemap", "articles:news-sitemap",
                                 "articles:latest-feed"])
def test_sitemaps_and_feeds_give_only_the_new_address(editor, client, url):
    article = live(published_at=timezone.now() - timedelta(hours=2))
    old = address(article)
    assert old in client.get(reverse(url)).content.decode()  # and now cached
    article = rename(article, "pact-signed", by=editor)
    listed = client.get(reverse(url)).content.decode()
    assert address(article) in listed
    assert old not in listed


# --- export and restore ----------------------------------------------------------------


def restore(path, *lines):
    """Import an export file (written first from ``lines``, if given); the command's output."""
    if lines:
        path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    out = io.StringIO()
    try:
        call_command("import_articles", str(path), stdout=out, stderr=out)
    except SystemExit:  # a file failed: the output says which, and why
        pass
    return out.getvalue()


def test_an_export_line_with_a_retired_address_is_skipped(editor, tmp_path):
    rename(live(), "pact-signed", by=editor)
    line = {"headline": "Someone else's story", "status": "draft",
            "slug": "india-and-russia-sign-a-trade-pact"}
    assert "skipped 1" in restore(tmp_path / "export.jsonl", line)
    assert not Article.objects.filter(headline="Someone else's story").exists()


def test_a_restored_export_keeps_the_old_links(editor, client, tmp_path):
    article = live()
    old = address(article)
    rename(article, "pact-signed", by=editor)
    dump = tmp_path / "dump.jsonl"
    call_command("export_articles", "--output", str(dump))
    Article.objects.all().delete()
    assert client.get(old).status_code == 404
    assert "imported 1" in restore(dump)
    assert client.get(old)["Location"] == address(Article.objects.get())


@pytest.mark.parametrize("retired", [
    {"published_on": "2024-02-30", "slug": "old-slug"},
    {"published_on": "2024-02-03", "slug": "old slug\x07"},
    {"published_on": "2024-02-03"},
    "2024/02/03/old-slug",
])
def test_a_bad_retired_address_in_an_export_fails_the_file(tmp_path, retired):
    line = {"headline": "Pact signed", "status": "draft", "slug": "pact-signed",
            "retired_addresses": [retired]}
    said = restore(tmp_path / "export.jsonl", line)
    assert "failed 1" in said and "line 1" in said
    assert not Article.objects.exists()
