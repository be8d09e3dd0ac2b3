"""A wire item's life: a later version updates the story (live, with an "Updated" note),
or waits on the desk once an editor has taken it over; a kill withdraws it everywhere at
once; an older or repeated version is skipped. Embargoes hold a story off every public
surface until their time."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from reversion.models import Version

from articles.editorial import services
from articles.editorial.wire_updates import wire_update_apply
from articles.models import Article, Correction, WireUpdate
from articles.wire.items import CANCELED, WITHHELD, WireItem
from articles.wire.lifecycle import store_item
from tests.admin_forms import article_post_data
from tests.factories import make_article
from tests.test_importing import run, write

pytestmark = pytest.mark.django_db
NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
URI = "urn:newsroom-test:agency:2026:grain"
API_LIST = "/api/v1/articles/"


def item(version=1, headline="Grain corridor reopens after talks", **kwargs):
    kwargs.setdefault("body", "<p>Ships left port on Monday.</p>")
    kwargs.setdefault("created_at", NOON - timedelta(hours=1))
    return WireItem(uri=URI, version=version, headline=headline, format="ninjs", **kwargs)


def ninjs(version, headline, pubstatus="usable"):
    return json.dumps({
        "uri": URI, "version": str(version), "pubstatus": pubstatus,
        "firstcreated": "2026-03-02T11:00:00Z", "headlines": [{"value": headline}],
        "bodies": [{"contenttype": "text/plain", "value": "Ships left port on Monday."}],
    })


def page(client, article):
    article.refresh_from_db()
    return client.get(article.get_absolute_url())


@time_machine.travel(NOON, tick=False)
def test_later_version_updates_a_live_story_with_an_updated_note(client):
    story = store_item(item(), publish=True, autotag=False).article
    assert page(client, story).status_code == 200

    outcome = store_item(item(2, "Grain corridor reopens: first ships sail"), autotag=False)

    story.refresh_from_db()
    assert outcome.kind == "updated"
    assert (story.headline, story.wire_version) == ("Grain corridor reopens: first ships sail", 2)
    note = story.corrections.get()
    assert note.kind == Correction.Kind.UPDATE
    response = page(client, story)
    assert "Grain corridor reopens: first ships sail" in response.content.decode()
    assert Version.objects.get_for_object(story).count() == 2


def test_older_or_repeated_version_is_skipped():
    store_item(item(3), autotag=False)

    assert store_item(item(3, "Repeated"), autotag=False).kind == "skipped"
    assert store_item(item(2, "Older"), autotag=False).kind == "skipped"
    assert Article.objects.get().headline == "Grain corridor reopens after talks"


def test_editor_edit_takes_a_story_over_and_later_versions_wait_on_the_desk(editor):
    story = store_item(item(), autotag=False).article
    story.headline = "Grain ships sail again"
    services.article_save(article=story, by=editor, headline_changed=True)
    assert story.taken_over

    outcome = store_item(item(2, "Agency's new headline"), autotag=False)

    story.refresh_from_db()
    assert outcome.kind == "proposed"
    assert story.headline == "Grain ships sail again"
    proposal = WireUpdate.objects.pending().get()
    assert proposal.headline == "Agency's new headline"
    wire_update_apply(update=proposal, by=editor)
    story.refresh_from_db()
    assert (story.headline, story.wire_version) == ("Agency's new headline", 2)
    with pytest.raises(PermissionDenied):
        wire_update_apply(update=proposal, by=editor)  # once only


def test_saving_without_touching_the_copy_does_not_take_a_story_over(editor):
    story = store_item(item(), autotag=False).article
    story.dateline = "Odesa"
    services.article_save(article=story, by=editor)
    assert not story.taken_over


@pytest.mark.parametrize("status", [WITHHELD, CANCELED])
@time_machine.travel(NOON, tick=False)
def test_kill_withdraws_at_once_everywhere_even_when_taken_over(client, editor, status):
    story = store_item(item(), publish=True, autotag=False).article
    story.headline = "Grain ships sail again"
    services.article_save(article=story, by=editor, headline_changed=True)
    store_item(item(2, "A proposal"), autotag=False)
    for url in (reverse("articles:home"), reverse("articles:latest-feed"),
                reverse("articles:sitemap"), reverse("articles:search") + "?q=grain"):
        assert story.slug in client.get(url).content.decode()

    outcome = store_item(item(3, pubstatus=status), autotag=False)

    story.refresh_from_db()
    assert outcome.kind == "withdrawn"
    assert story.status == Article.Status.WITHDRAWN
    assert page(client, story).status_code == 410
    for url in (reverse("articles:home"), reverse("articles:latest-feed"),
                reverse("articles:sitemap"), reverse("articles:search") + "?q=grain"):
        assert story.slug not in client.get(url).content.decode()
    assert not WireUpdate.objects.pending().exists()


def test_command_summary_counts_updates_and_kills(tmp_path):
    first = write(tmp_path, "1.json", ninjs(1, "Grain corridor reopens"))
    second = write(tmp_path, "2.json", ninjs(2, "Grain corridor reopens fully"))
    again = write(tmp_path, "3.json", ninjs(2, "Grain corridor reopens fully"))
    kill = write(tmp_path, "4.json", ninjs(3, "Grain corridor reopens fully", "canceled"))

    code, out, _ = run(str(first), str(second), str(again), str(kill))

    assert code == 0
    assert out.splitlines()[-1] == "imported 1, updated 1, withdrawn 1, skipped 1, failed 0"
    assert "skipped (version 2 of" in out


def test_embargo_holds_a_story_off_every_public_surface_until_its_time(client, editor):
    embargo = NOON + timedelta(hours=2)
    with time_machine.travel(NOON, tick=False):
        story = make_article("Embargoed budget details", status=Article.Status.REVIEW,
                             embargo_until=embargo)
        services.article_publish(article=story, by=editor)
        story.refresh_from_db()
        assert story.published_at == embargo and story.is_scheduled
        assert client.get(story.get_absolute_url()).status_code == 404
        for url in (reverse("articles:home"), reverse("articles:latest-feed"),
                    reverse("articles:sitemap"), reverse("articles:news-sitemap"),
                    reverse("articles:search") + "?q=budget"):
            assert "Embargoed budget details" not in client.get(url).content.decode()
            assert story.slug not in client.get(url).content.decode()
    with time_machine.travel(embargo + timedelta(seconds=1), tick=False):
        assert client.get(story.get_absolute_url()).status_code == 200
        for url in (reverse("articles:home"), reverse("articles:latest-feed"),
                    reverse("articles:sitemap"), reverse("articles:search") + "?q=budget"):
            assert story.slug in client.get(url).content.decode()


def test_the_api_holds_an_embargoed_story_until_its_time(client, editor):
    embargo = NOON + timedelta(hours=2)
    with time_machine.travel(NOON, tick=False):
        story = make_article("Embargoed budget details", status=Article.Status.REVIEW,
                             embargo_until=embargo)
        services.article_publish(article=story, by=editor)
        for url in (API_LIST, API_LIST + "?format=ninjs"):
            response = client.get(url)
            assert response.status_code == 200
            assert story.slug not in response.content.decode()
        assert client.get(f"{API_LIST}{story.pk}/").status_code == 404
    with time_machine.travel(embargo + timedelta(seconds=1), tick=False):
        assert story.slug in client.get(API_LIST).content.decode()
        assert client.get(f"{API_LIST}{story.pk}/").status_code == 200


@time_machine.travel(NOON, tick=False)
def test_a_published_time_before_the_embargo_cannot_be_stored():
    story = make_article("Held", published_at=NOON - timedelta(hours=1),
                         embargo_until=NOON + timedelta(hours=1))
    assert story.published_at == NOON + timedelta(hours=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=story.pk).update(published_at=NOON)


def test_desk_and_form_show_the_proposed_update_and_one_click_applies_it(editor_client,
                                                                        editor):
    story = store_item(item(), autotag=False).article
    story.headline = "Grain ships sail again"
    services.article_save(article=story, by=editor, headline_changed=True)
    store_item(item(2, "Agency's second take"), autotag=False)

    desk = editor_client.get(reverse("admin:index")).content.decode()
    form = editor_client.get(reverse("admin:articles_article_change", args=[story.pk]))
    proposal = WireUpdate.objects.get()
    apply_url = reverse("admin:articles_article_wire_update_apply",
                        args=[story.pk, proposal.pk])

    assert "Updates from the wire" in desk and "Grain ships sail again" in desk
    assert f'formaction="{apply_url}"' in form.content.decode()
    assert editor_client.get(apply_url).status_code == 405
    response = editor_client.post(apply_url)
    story.refresh_from_db()
    assert response.status_code == 302
    assert story.headline == "Agency's second take"


def test_a_reporter_cannot_apply_a_proposed_update(reporter_client, editor):
    story = store_item(item(), autotag=False).article
    story.headline = "Grain ships sail again"
    services.article_save(article=story, by=editor, headline_changed=True)
    store_item(item(2, "Agency's second take"), autotag=False)
    proposal = WireUpdate.objects.get()

    reporter_client.post(reverse("admin:articles_article_wire_update_apply",
                                 args=[story.pk, proposal.pk]))

    story.refresh_from_db()
    assert story.headline == "Grain ships sail again"


@time_machine.travel(NOON, tick=False)
def test_desk_tells_of_a_kill_and_the_list_shows_an_embargo(editor_client):
    store_item(item(), publish=True, autotag=False)
    store_item(item(2, pubstatus=CANCELED), autotag=False)
    make_article("Budget held back", status=Article.Status.REVIEW,
                 embargo_until=NOON + timedelta(hours=2))

    desk = editor_client.get(reverse("admin:index")).content.decode()
    listing = editor_client.get(reverse("admin:articles_article_changelist")).content.decode()

    assert "Killed by the agency" in desk and "Grain corridor reopens after talks" in desk
    assert "embargoed until" in desk
    assert "embargoed until 02 Mar 14:00" in listing


@time_machine.travel(NOON, tick=False)
def test_the_edge_is_purged_when_the_embargo_lifts(editor, settings):
    from django_q.models import Schedule

    settings.NEWSROOM_EDGE_PURGE_URLS = ["http://edge.invalid/"]
    story = make_article("Held until two", status=Article.Status.REVIEW,
                         embargo_until=NOON + timedelta(hours=2))

    services.article_publish(article=story, by=editor)

    purge = Schedule.objects.get(func="articles.caching.edges.purge_now")
    assert purge.next_run == NOON + timedelta(hours=2)


def test_export_and_restore_keep_the_embargo_and_the_wire_identity(tmp_path, editor):
    story = store_item(item(2, embargo_until=NOON + timedelta(days=1)), autotag=False).article
    story.headline = "Grain ships sail again"
    services.article_save(article=story, by=editor, headline_changed=True)
    export = tmp_path / "all.jsonl"
    call_command("export_articles", "--output", str(export))
    Article.objects.all().delete()

    run(str(export))
    run(str(export))  # once only

    restored = Article.objects.get()
    assert restored.embargo_until == NOON + timedelta(days=1)
    assert (restored.wire_uri, restored.wire_version, restored.taken_over) == (URI, 2, True)
    assert store_item(item(2), autotag=False).kind == "skipped"


def test_publish_now_on_an_embargoed_story_schedules_it_and_says_so(editor_client):
    with time_machine.travel(NOON, tick=False):
        embargo = NOON + timedelta(hours=3)
        story = make_article("Budget held back", status=Article.Status.REVIEW,
                             embargo_until=embargo)
        data = article_post_data(story, workflow="publish",
                                 embargo_until_0="2026-03-02", embargo_until_1="15:00:00")
        response = editor_client.post(
            reverse("admin:articles_article_change", args=[story.pk]), data)

        story.refresh_from_db()
        assert story.published_at == embargo and story.is_scheduled
        message = [str(m) for m in get_messages(response.wsgi_request)][0]
        assert "under embargo until" in message and "scheduled for then" in message
