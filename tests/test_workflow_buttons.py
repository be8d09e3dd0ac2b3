"""The change form's workflow buttons: which ones each role sees, what each one does, what
each one refuses (hand-made POSTs included), and what it says, in the newsroom's time."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.admin.workflow_buttons import newsroom_time
from articles.editorial import services
from articles.models import Article
from tests.admin_forms import article_post_data
from tests.factories import country, make_article, make_minister

Status = Article.Status
ADD_URL = reverse("admin:articles_article_add")
LIST_URL = reverse("admin:articles_article_changelist")

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def said(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def buttons_on(page):
    """The labels of the bar's buttons, in order."""
    import re

    return re.findall(r'<button type="submit" name="workflow" value="\w+" class="[^"]*">'
                      r"([^<]+)</button>", page)


@pytest.fixture
def kolkata(settings):
    """A newsroom east of UTC, on a half hour: times shown and typed are its own."""
    settings.TIME_ZONE = "Asia/Kolkata"
    return settings


def tomorrow_at_nine():
    """Tomorrow 09:00 in the newsroom's zone: as typed in the form, and as a moment."""
    day = timezone.localdate() + timedelta(days=1)
    moment = timezone.make_aware(datetime(day.year, day.month, day.day, 9, 0))
    return moment.strftime("%Y-%m-%dT%H:%M"), moment


# --- which buttons -------------------------------------------------------------------


def test_the_status_dropdown_has_left_the_form(editor_client):
    page = editor_client.get(change_url(make_article(status=Status.REVIEW))).content.decode()
    assert 'name="status"' not in page and 'name="published_at_0"' not in page


def test_a_reporter_sees_save_draft_and_submit_for_review(reporter_client, reporter):
    assert buttons_on(reporter_client.get(ADD_URL).content.decode()) == [
        "Save draft", "Submit for review"]
    draft = make_article(status=Status.DRAFT, created_by=reporter)
    assert buttons_on(reporter_client.get(change_url(draft)).content.decode()) == [
        "Save draft", "Submit for review"]
    in_review = make_article(status=Status.REVIEW, created_by=reporter)
    assert buttons_on(reporter_client.get(change_url(in_review)).content.decode()) == ["Save"]


@pytest.mark.parametrize(("state", "expected"), [
    ("draft", ["Save", "Publish now", "Schedule…"]),
    ("review", ["Save", "Publish now", "Schedule…"]),
    ("scheduled", ["Save", "Publish now", "Schedule…", "Unschedule"]),
    ("live", ["Update", "Withdraw"]),
    ("withdrawn", ["Save", "Publish now"]),
])
def test_an_editor_sees_the_steps_that_fit_the_state(editor_client, state, expected):
    statuses = {"scheduled": Status.PUBLISHED, "live": Status.PUBLISHED}
    when = {"scheduled": timezone.now() + timedelta(days=1)}
    article = make_article(status=statuses.get(state, state), published_at=when.get(state))
    assert buttons_on(editor_client.get(change_url(article)).content.decode()) == expected


def test_buttons_are_plain_submit_buttons_with_labelled_inputs(editor_client):
    """With JavaScript off each button still posts its step; the time is a plain input."""
    page = editor_client.get(ADD_URL).content.decode()
    assert '<button type="submit" name="workflow" value="publish"' in page
    assert 'type="datetime-local" name="schedule_at"' in page
    assert '<label for="id_schedule_at">Publish at' in page
    assert "newsroom time, UTC" in page


# --- what each button does ------------------------------------------------------------


def test_reporter_saves_a_draft_then_submits_it(reporter_client, reporter):
    response = reporter_client.post(ADD_URL, article_post_data(workflow="save"))
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == change_url(article)
    assert article.status == Status.DRAFT and article.created_by == reporter
    assert any("It is a draft." in m for m in said(response))

    response = reporter_client.post(change_url(article),
                                    article_post_data(article, workflow="submit"))
    article.refresh_from_db()
    assert article.status == Status.REVIEW and article.published_at is None
    assert any(m.startswith(f"Submitted “{article.headline}” for review at")
               for m in said(response))


def test_publish_now_says_when_in_the_newsrooms_time(editor_client, kolkata):
    article = make_article(status=Status.REVIEW)
    response = editor_client.post(change_url(article), article_post_data(
        article, workflow="publish", standfirst="Edited as it went out."))
    article.refresh_from_db()
    assert article.is_public and article.standfirst == "Edited as it went out."
    local = timezone.localtime(article.published_at)
    assert local.utcoffset() == timedelta(hours=5, minutes=30)
    assert f"at {local:%-d %b %H:%M}. It is live." in said(response)[0]


def test_schedule_reads_the_time_in_the_newsrooms_zone(editor_client, kolkata):
    """Priya picks 09:00: that is 09:00 in the newsroom, and it says so everywhere."""
    article = make_article(status=Status.REVIEW)
    typed, moment = tomorrow_at_nine()
    response = editor_client.post(change_url(article), article_post_data(
        article, workflow="schedule", schedule_at=typed))
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED and article.published_at == moment
    assert moment.astimezone(UTC).strftime("%H:%M") == "03:30"
    assert not Article.objects.published().filter(pk=article.pk).exists()
    label = f"Scheduled for {newsroom_time(moment)}"
    assert label.endswith(" 09:00")
    assert f"Scheduled “{article.headline}” for {newsroom_time(moment)}." in said(response)[0]

    form = editor_client.get(change_url(article)).content.decode()
    assert label in form and "Now: <strong>Published" not in form
    listing = editor_client.get(LIST_URL).content.decode()
    assert label in listing


def test_save_keeps_a_scheduled_story_scheduled(editor_client):
    at = timezone.now() + timedelta(days=2)
    article = make_article(status=Status.PUBLISHED, published_at=at)
    response = editor_client.post(change_url(article), article_post_data(
        article, workflow="save", standfirst="Tightened."))
    article.refresh_from_db()
    assert article.is_scheduled and article.published_at == at
    assert f"It stays scheduled for {newsroom_time(at)}." in said(response)[0]


def test_unschedule_puts_the_story_back_in_review(editor_client):
    at = timezone.now() + timedelta(days=1)
    article = make_article(status=Status.PUBLISHED, published_at=at)
    response = editor_client.post(change_url(article),
                                  article_post_data(article, workflow="unschedule"))
    article.refresh_from_db()
    assert article.status == Status.REVIEW and article.published_at is None
    assert "back in review and will not be published at" in said(response)[0]


def test_publish_now_brings_a_withdrawn_story_back_at_its_address(editor_client):
    article = make_article(status=Status.WITHDRAWN,
                           published_at=timezone.now() - timedelta(days=3))
    url = article.get_absolute_url()
    response = editor_client.post(change_url(article),
                                  article_post_data(article, workflow="publish"))
    article.refresh_from_db()
    assert article.is_public and article.get_absolute_url() == url
    assert "again at" in said(response)[0] and "so its address stays" in said(response)[0]


def test_publish_now_brings_a_scheduled_story_forward(editor_client):
    article = make_article(status=Status.PUBLISHED,
                           published_at=timezone.now() + timedelta(days=1))
    editor_client.post(change_url(article), article_post_data(article, workflow="publish"))
    article.refresh_from_db()
    assert article.is_public


def test_update_saves_a_live_story_and_keeps_it_live(editor_client):
    article = make_article("Minister visits Moskow")
    published_at = article.published_at
    response = editor_client.post(change_url(article), article_post_data(
        article, workflow="update", headline="Minister visits Moscow"))
    article.refresh_from_db()
    assert article.headline == "Minister visits Moscow" and article.is_public
    assert article.published_at == published_at
    assert said(response)[0].endswith("It stays live.")


def test_withdraw_keeps_its_reason_in_history_and_never_shows_it_to_readers(
    editor_client, client
):
    article = make_article("Story with a bad source")
    url = article.get_absolute_url()
    response = editor_client.post(change_url(article), article_post_data(
        article, workflow="withdraw", withdrawal_reason="Source recanted to legal"))
    article.refresh_from_db()
    assert article.status == Status.WITHDRAWN
    assert said(response)[0].startswith("Withdrew “Story with a bad source” at")
    comment = Version.objects.get_for_object(article).first().revision.get_comment()
    assert "Withdrawn. Reason: Source recanted to legal" in comment
    history = editor_client.get(
        reverse("admin:articles_article_history", args=[article.pk])).content.decode()
    assert "Source recanted to legal" in history
    public = client.get(url)
    assert public.status_code == 410 and "recanted" not in public.content.decode()


def test_withdraw_without_a_reason_is_refused_and_keeps_the_text(editor_client):
    article = make_article()
    response = editor_client.post(change_url(article), article_post_data(
        article, workflow="withdraw", standfirst="Typed before withdrawing."))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Say why the story is withdrawn" in page and "Typed before withdrawing." in page
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED and article.version == 1


# --- refusals that keep every field ------------------------------------------------------


@pytest.mark.parametrize(("typed", "error"), [
    ("", "Choose the date and time to publish at."),
    ("2020-01-01T09:00", "That time has passed"),
    ("tomorrow morning", "Enter a valid date/time."),
])
def test_a_refused_schedule_keeps_every_field(editor_client, typed, error):
    lavrov = make_minister()
    article = make_article(status=Status.REVIEW)
    response = editor_client.post(change_url(article), article_post_data(
        article, workflow="schedule", schedule_at=typed, headline="New headline kept",
        body="<p>Body kept.</p>", dateline="Kazan", ministers=[str(lavrov.pk)],
        countries=[str(country("RU").pk)]))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert error in str(form.errors["schedule_at"])
    assert form["headline"].value() == "New headline kept"
    assert form["body"].value() == "<p>Body kept.</p>" and form["dateline"].value() == "Kazan"
    assert [str(v) for v in form["ministers"].value()] == [str(lavrov.pk)]
    assert form["schedule_at"].value() == typed
    article.refresh_from_db()
    assert article.status == Status.REVIEW and article.version == 1


def test_an_unchecked_wire_headline_cannot_be_published_from_the_admin(editor_client):
    """Wire copy's derived headline must be saved by an editor first (clear message)."""
    wire = make_article("Ministers met in Delhi on Friday", status=Status.REVIEW,
                        headline_needs_review=True)
    for step in ({"workflow": "publish"},
                 {"workflow": "schedule", "schedule_at": tomorrow_at_nine()[0]}):
        response = editor_client.post(change_url(wire), article_post_data(wire, **step))
        assert response.status_code == 200
        assert "no editor has checked it yet" in str(
            response.context["adminform"].form.errors["headline"])
        wire.refresh_from_db()
        assert wire.status == Status.REVIEW

    response = editor_client.post(change_url(wire), article_post_data(
        wire, workflow="publish", headline="India and Russia agree a rail corridor"))
    wire.refresh_from_db()
    assert wire.is_public and not wire.headline_needs_review


def test_an_editor_may_keep_a_wire_headline_by_unticking_it(editor_client):
    wire = make_article("Ministers met in Delhi", status=Status.REVIEW,
                        headline_needs_review=True)
    data = article_post_data(wire, workflow="publish")
    del data["headline_needs_review"]
    editor_client.post(change_url(wire), data)
    wire.refresh_from_db()
    assert wire.is_public


def test_the_list_action_refuses_an_unchecked_wire_headline_by_name(editor_client):
    wire = make_article("Derived headline", status=Status.REVIEW, headline_needs_review=True)
    checked = make_article("Checked headline", status=Status.REVIEW)
    response = editor_client.post(LIST_URL, {
        "action": "publish_now", "_selected_action": [wire.pk, checked.pk]})
    messages = said(response)
    assert "1 article published." in messages
    assert any(m.startswith("“Derived headline”: The headline of this wire story")
               for m in messages)
    wire.refresh_from_db()
    assert wire.status == Status.REVIEW


def test_the_publish_service_refuses_an_unchecked_headline(editor):
    wire = make_article(status=Status.REVIEW, headline_needs_review=True)
    with pytest.raises(services.ActionRefused):
        services.article_publish(article=wire, by=editor)


def test_unchecked_wire_headlines_stand_out_in_the_list_and_on_the_desk(editor_client):
    make_article("Derived wire headline", status=Status.REVIEW, headline_needs_review=True)
    listing = editor_client.get(LIST_URL).content.decode()
    assert '<span class="nr-flag">headline to check</span>' in listing
    desk = editor_client.get(reverse("admin:index")).content.decode()
    wire = desk.split("Wire copy to check", 1)[1].split("</section>", 1)[0]
    waiting = desk.split("Waiting for review", 1)[1].split("</section>", 1)[0]
    assert "Derived wire headline" in wire and "Derived wire headline" not in waiting


# --- hand-made POSTs ------------------------------------------------------------------


@pytest.mark.parametrize("step", ["publish", "schedule", "unschedule", "update", "withdraw",
                                  "delete", "nonsense"])
def test_a_reporter_cannot_take_an_editors_step_by_hand(reporter_client, reporter, step):
    article = make_article(status=Status.DRAFT, created_by=reporter)
    response = reporter_client.post(change_url(article), article_post_data(
        article, workflow=step, schedule_at=tomorrow_at_nine()[0],
        withdrawal_reason="because", headline="Reporter's rewrite"))
    assert response.status_code == 200
    assert "You may not" in str(response.context["adminform"].form.non_field_errors())
    article.refresh_from_db()
    assert article.status == Status.DRAFT and article.published_at is None
    assert article.headline != "Reporter's rewrite" and article.version == 1


@pytest.mark.parametrize("step", ["save", "update", "withdraw", "submit"])
def test_a_reporter_cannot_touch_a_published_story_with_any_button(
    reporter_client, reporter, step
):
    article = make_article(created_by=reporter)
    response = reporter_client.post(change_url(article), article_post_data(
        article, workflow=step, withdrawal_reason="mine"))
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED and article.version == 1


@pytest.mark.parametrize(("state", "step"), [
    ("draft", "withdraw"), ("draft", "unschedule"), ("draft", "update"),
    ("live", "schedule"), ("live", "unschedule"), ("live", "publish"),
    ("withdrawn", "withdraw"), ("withdrawn", "schedule"), ("review", "submit"),
])
def test_an_editor_cannot_take_a_step_the_state_does_not_offer(editor_client, state, step):
    status = Status.PUBLISHED if state == "live" else state
    article = make_article(status=status)
    before = (article.status, article.published_at)
    response = editor_client.post(change_url(article), article_post_data(
        article, workflow=step, schedule_at=tomorrow_at_nine()[0], withdrawal_reason="x"))
    assert response.status_code == 200
    article.refresh_from_db()
    assert (article.status, article.published_at) == before and article.version == 1


def test_the_unschedule_service_refuses_what_is_not_scheduled(editor, reporter):
    live = make_article()
    with pytest.raises(services.ActionRefused):
        services.article_unschedule(article=live, by=editor)
    scheduled = make_article(published_at=timezone.now() + timedelta(hours=2),
                             created_by=reporter)
    with pytest.raises(PermissionDenied):
        services.article_unschedule(article=scheduled, by=reporter)
    assert Article.objects.get(pk=scheduled.pk).is_scheduled


# --- optimistic locking with every button ----------------------------------------------


@pytest.mark.parametrize(("state", "step"), [
    ("review", "save"), ("review", "publish"), ("review", "schedule"),
    ("scheduled", "unschedule"), ("live", "update"), ("live", "withdraw"),
])
def test_every_button_refuses_a_stale_save_and_keeps_the_text(editor_client, editor, state,
                                                              step):
    status = Status.REVIEW if state == "review" else Status.PUBLISHED
    when = timezone.now() + timedelta(days=1) if state == "scheduled" else None
    article = make_article(status=status, published_at=when)
    opened = article_post_data(article)  # the form as this editor opened it
    services.article_save(article=Article.objects.get(pk=article.pk), by=editor,
                          expected_version=1)  # someone else saves first
    response = editor_client.post(change_url(article), {
        **opened, "workflow": step, "schedule_at": tomorrow_at_nine()[0],
        "withdrawal_reason": "Legal", "standfirst": "My text, kept."})
    assert response.status_code == 200
    assert "after you started editing" in response.content.decode()
    assert response.context["adminform"].form["standfirst"].value() == "My text, kept."
    article.refresh_from_db()
    assert article.version == 2 and article.status == status
    assert article.published_at == (when or article.published_at)


def test_reporter_submit_by_the_list_action_still_works(reporter_client, reporter):
    article = make_article(status=Status.DRAFT, created_by=reporter)
    reporter_client.post(LIST_URL, {"action": "submit_for_review",
                                    "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == Status.REVIEW
