"""The desk's day in the admin: writing, submitting, publishing, scheduling, withdrawing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.admin_forms import article_post_data
from tests.factories import country, make_article, make_minister, make_policy

ADD_URL = reverse("admin:articles_article_add")
LIST_URL = reverse("admin:articles_article_changelist")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.mark.django_db
def test_reporter_writes_a_tagged_draft_and_is_recorded_as_its_writer(reporter_client, reporter):
    """A reporter's new story is a draft, tagged from the vocabulary, credited to them."""
    lavrov = make_minister()
    policy = make_policy()
    data = article_post_data(
        countries=[str(country("IN").pk), str(country("RU").pk)],
        ministers=[str(lavrov.pk)],
        policies=[str(policy.pk)],
    )
    response = reporter_client.post(ADD_URL, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    assert article.created_by == reporter
    assert sorted(article.countries.names()) == ["India", "Russia"]
    assert list(article.ministers.names()) == ["Sergey Lavrov"]
    assert list(article.policies.names()) == ["Make in India"]


@pytest.mark.django_db
def test_reporter_crafted_post_to_publish_a_new_article_is_refused(reporter_client):
    """A reporter has no Publish button; a hand-made POST pressing one saves nothing."""
    response = reporter_client.post(ADD_URL, article_post_data(workflow="publish"))
    assert response.status_code == 200
    assert "You may not publish this article now" in str(
        response.context["adminform"].form.non_field_errors())
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_reporter_crafted_post_to_publish_own_draft_is_refused(reporter_client, reporter):
    """Submitting for review is as far as a reporter's own story goes."""
    article = make_article(status=Article.Status.DRAFT, created_by=reporter)
    response = reporter_client.post(
        change_url(article), article_post_data(article, workflow="publish")
    )
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article.published_at is None


@pytest.mark.django_db
def test_reporter_cannot_schedule_by_posting_a_publication_time(reporter_client, reporter):
    """A time posted beside Submit is ignored: only an editor's Schedule… reads it."""
    article = make_article(status=Article.Status.DRAFT, created_by=reporter)
    tomorrow = timezone.localtime() + timedelta(days=1)
    response = reporter_client.post(change_url(article), article_post_data(
        article, workflow="submit", schedule_at=tomorrow.strftime("%Y-%m-%dT09:00"),
        published_at_0=tomorrow.strftime("%Y-%m-%d"), published_at_1="09:00:00",
    ))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW
    assert article.published_at is None


@pytest.mark.django_db
def test_reporter_cannot_change_a_published_story(reporter_client, reporter):
    """Once published, a story belongs to the desk; the reporter may only read it."""
    article = make_article(created_by=reporter)
    response = reporter_client.post(
        change_url(article), article_post_data(article, headline="Rewritten by reporter")
    )
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.headline != "Rewritten by reporter"


@pytest.mark.django_db
def test_reporter_cannot_edit_another_reporters_draft(reporter_client):
    """Drafts are their writer's until they reach the desk (to a colleague, invisible)."""
    article = make_article(status=Article.Status.DRAFT)
    response = reporter_client.post(
        change_url(article), article_post_data(article, headline="Not mine")
    )
    assert response.status_code == 302  # to the desk: "does not exist"
    article.refresh_from_db()
    assert article.headline != "Not mine"


@pytest.mark.django_db
def test_reporter_cannot_use_the_publish_action(reporter_client, reporter):
    """Bulk actions obey the same rule: a crafted action POST publishes nothing."""
    article = make_article(status=Article.Status.REVIEW, created_by=reporter)
    reporter_client.post(LIST_URL, {"action": "publish_now", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW


@pytest.mark.django_db
def test_reporter_submits_a_draft_for_review_with_the_action(reporter_client, reporter):
    article = make_article(status=Article.Status.DRAFT, created_by=reporter)
    response = reporter_client.post(
        LIST_URL, {"action": "submit_for_review", "_selected_action": [article.pk]}, follow=True
    )
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW
    assert "1 article submitted for review." in response.content.decode()


@pytest.mark.django_db
def test_editor_publishes_and_publication_time_defaults_to_now(editor_client, editor):
    """Publishing without a time publishes now, and the story is public at once."""
    article = make_article(status=Article.Status.REVIEW)
    before = timezone.now()
    data = article_post_data(article, workflow="publish")
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert before <= article.published_at <= timezone.now()
    assert Article.objects.published().filter(pk=article.pk).exists()
    assert article.updated_by == editor


@pytest.mark.django_db
def test_editor_schedules_and_the_list_shows_scheduled_not_published(editor_client):
    """A future time schedules: the list says so, and the public does not see it yet."""
    article = make_article(status=Article.Status.REVIEW)
    at = timezone.localtime() + timedelta(days=1)
    response = editor_client.post(change_url(article), article_post_data(
        article, workflow="schedule", schedule_at=at.strftime("%Y-%m-%dT09:00"),
    ))
    assert response.status_code == 302
    assert not Article.objects.published().filter(pk=article.pk).exists()
    listing = editor_client.get(LIST_URL).content.decode()
    assert f"Scheduled for {at.day} {at:%b} 09:00" in listing


@pytest.mark.django_db
def test_editor_withdraws_and_republishes_with_actions(editor_client):
    article = make_article()
    response = editor_client.post(
        LIST_URL, {"action": "withdraw", "_selected_action": [article.pk]}, follow=True
    )
    assert "1 article withdrawn." in response.content.decode()
    assert not Article.objects.published().filter(pk=article.pk).exists()
    editor_client.post(LIST_URL, {"action": "publish_now", "_selected_action": [article.pk]})
    assert Article.objects.published().filter(pk=article.pk).exists()


@pytest.mark.django_db
def test_status_filter_tells_scheduled_from_live(editor_client):
    live = make_article("Live story")
    make_article("Tomorrow's story", published_at=timezone.now() + timedelta(days=1))
    scheduled = editor_client.get(LIST_URL, {"status": "scheduled"}).content.decode()
    assert "Tomorrow&#x27;s story" in scheduled and live.headline not in scheduled
    published = editor_client.get(LIST_URL, {"status": "live"}).content.decode()
    assert live.headline in published and "Tomorrow&#x27;s story" not in published


@pytest.mark.django_db
def test_closed_country_vocabulary_refuses_unknown_entries(editor_client):
    """A typo can never create a country: only existing ids are accepted."""
    before = country("IN").__class__.objects.count()
    response = editor_client.post(ADD_URL, article_post_data(countries=["Indai"]))
    assert response.status_code == 200
    assert "countries" in response.context["adminform"].form.errors
    assert country("IN").__class__.objects.count() == before
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_body_is_sanitised_whatever_the_client_posts(editor_client):
    """Script tags and event handlers never survive a save (a javascript: link is refused
    by name: tests/test_body_schema.py)."""
    body = '<p onclick="steal()">Hi <script>alert(1)</script><img src=x onerror=alert(1)>' \
        '<a href="https://example.org" onmouseover="steal()">link</a></p>'
    response = editor_client.post(ADD_URL, article_post_data(body=body))
    assert response.status_code == 302
    stored = Article.objects.get().body
    for bad in ("<script", "onerror", "onclick", "onmouseover", "<img"):
        assert bad not in stored
    assert "Hi" in stored and "link" in stored


@pytest.mark.django_db
def test_invalid_form_saves_nothing_not_even_tags(editor_client):
    """An error anywhere keeps the whole save from happening."""
    article = make_article(countries=["IN"])
    data = article_post_data(article, headline="", countries=[str(country("RU").pk)])
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 200
    article.refresh_from_db()
    assert list(article.countries.names()) == ["India"]


@pytest.mark.django_db
def test_editing_the_headline_clears_headline_needs_review(editor_client):
    article = make_article(status=Article.Status.REVIEW, headline_needs_review=True)
    editor_client.post(change_url(article), article_post_data(article, headline="A real headline"))
    article.refresh_from_db()
    assert article.headline == "A real headline"
    assert not article.headline_needs_review


@pytest.mark.django_db
def test_desk_dashboard_lists_what_waits_for_the_editor(editor_client):
    """The admin's front page starts with the review queue and the wire headlines."""
    make_article("Waiting in the queue", status=Article.Status.REVIEW)
    make_article("Wire copy to retitle", status=Article.Status.REVIEW, headline_needs_review=True)
    page = editor_client.get(reverse("admin:index")).content.decode()
    assert "Waiting for review" in page and "Waiting in the queue" in page
    assert "Wire copy to check" in page and page.count("Wire copy to retitle") == 1


@pytest.mark.django_db
def test_article_list_stays_within_ten_queries_for_a_hundred_articles(
    editor_client, django_assert_max_num_queries
):
    """A busy desk's list page must not grow with the number of rows or tags."""
    lavrov, policy = make_minister(), make_policy()
    for i in range(100):
        make_article(f"Story {i}", countries=["IN", "RU"], ministers=[lavrov], policies=[policy])
    india = country("IN").pk
    with django_assert_max_num_queries(10):
        response = editor_client.get(LIST_URL, {"status": "live", "country": india})
    assert response.status_code == 200
    assert response.content.decode().count("Sergey Lavrov") >= 100


@pytest.mark.django_db
def test_list_filters_by_country_minister_and_policy(editor_client):
    lavrov, policy = make_minister(), make_policy()
    make_article("Tagged with all three", countries=["RU"], ministers=[lavrov], policies=[policy])
    make_article("Tagged with India only", countries=["IN"])
    for params in ({"country": country("RU").pk}, {"minister": lavrov.pk},
                   {"policy": policy.pk}):
        page = editor_client.get(LIST_URL, params).content.decode()
        assert "Tagged with all three" in page and "Tagged with India only" not in page


@pytest.mark.django_db
def test_nonsense_filter_value_is_not_a_server_error(editor_client):
    """The admin's own answer to a bad filter: back to the list with its error flag."""
    response = editor_client.get(LIST_URL, {"country": "'; drop table"})
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


@pytest.mark.django_db
def test_tag_pickers_autocomplete_from_the_vocabulary(editor_client):
    """Typing “ind” in the country picker offers India; ministers are found by name."""
    make_minister("Sergey Lavrov")
    url = reverse("admin:autocomplete")
    base = {"app_label": "articles", "model_name": "article"}
    countries = editor_client.get(url, {**base, "field_name": "countries", "term": "ind"})
    assert [r["text"] for r in countries.json()["results"]][0] == "India"
    ministers = editor_client.get(url, {**base, "field_name": "ministers", "term": "lavr"})
    assert [r["text"] for r in ministers.json()["results"]] == ["Sergey Lavrov"]


@pytest.mark.django_db
def test_form_offers_adding_ministers_and_policies_but_never_countries(editor_client):
    page = editor_client.get(ADD_URL).content.decode()
    assert 'id="add_id_ministers"' in page and 'id="add_id_policies"' in page
    assert 'id="add_id_countries"' not in page


def test_the_last_change_line_names_people_by_their_full_names(editor_client, editor,
                                                               reporter):
    article = make_article(status=Article.Status.REVIEW, created_by=reporter)
    editor_client.post(reverse("admin:articles_article_change", args=[article.pk]),
                       article_post_data(article, standfirst="Tightened."))

    page = editor_client.get(
        reverse("admin:articles_article_change", args=[article.pk])).content.decode()

    assert "by Priya Sharma. Written by Arun Kumar." in page
    assert "by priya." not in page and "Written by arun." not in page
