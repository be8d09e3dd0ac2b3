""""Also mentioned" in the article form: each mention with its evidence, one click to
make it a subject or to remove it, both recorded in history; crafted requests refused."""

import pytest
from django.urls import reverse
from reversion.models import Version

from articles.editorial import mentions
from articles.models import AmbiguousMention, Article, MentionedCountry, MentionedMinister
from tests.admin_forms import article_post_data
from tests.factories import country, make_article, make_minister

pytestmark = pytest.mark.django_db

BODY = ("<p>India signed a grain deal on Monday.</p>"
        "<p>The talks followed a visit to Brazil by Sergey Lavrov.</p>")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def mention_url(article):
    return reverse("admin:articles_article_mention", args=[article.pk])


@pytest.fixture
def story(editor):
    make_minister("Sergey Lavrov", aliases=["Lavrov"])
    article = make_article("Grain deal signed", body=BODY, countries=["IN"],
                           status=Article.Status.REVIEW, created_by=editor)
    mentions.refresh_article_mentions(article)
    return article


def lavrov(article):
    return MentionedMinister.objects.get(article=article, tag__name="Sergey Lavrov")


def last_comment(article):
    return Version.objects.get_for_object(article).first().revision.comment


def test_the_form_shows_also_mentioned_with_evidence_and_buttons(editor_client, story):
    page = editor_client.get(change_url(story)).content.decode()
    assert "Also mentioned" in page
    row = lavrov(story)
    assert f'value="ministers:{row.pk}"' in page
    assert ("body, paragraph 2: …talks followed a visit to Brazil by "
            "<mark>Sergey Lavrov</mark>") in page
    assert 'name="promote_mention"' in page and 'name="dismiss_mention"' in page
    assert f'formaction="{mention_url(story)}"' in page


def test_one_click_makes_a_mention_a_subject_recorded_in_history(editor_client, story):
    row = lavrov(story)
    response = editor_client.post(mention_url(story), {"promote_mention": f"ministers:{row.pk}"})
    assert response.status_code == 302
    assert response["Location"] == change_url(story)
    assert row.tag in story.ministers.all()
    assert not MentionedMinister.objects.filter(pk=row.pk).exists()
    assert last_comment(story) == "Ministers: made “Sergey Lavrov” a subject (it was mentioned)"
    page = editor_client.get(change_url(story)).content.decode()
    assert "“Sergey Lavrov” is now one of the story&#x27;s ministers." in page
    # Saving the form again keeps it a subject, not a mention.
    editor_client.post(change_url(story), article_post_data(story))
    assert row.tag in story.ministers.all()
    assert not MentionedMinister.objects.filter(article=story).exists()


def test_one_click_removes_a_mention_for_good_recorded_in_history(editor_client, story):
    row = lavrov(story)
    editor_client.post(mention_url(story), {"dismiss_mention": f"ministers:{row.pk}"})
    assert last_comment(story) == "Ministers: removed the mention of “Sergey Lavrov”"
    editor_client.post(change_url(story), article_post_data(story))
    page = editor_client.get(change_url(story)).content.decode()
    assert f'value="ministers:{row.pk}"' not in page
    assert MentionedMinister.objects.get(pk=row.pk).dismissed


@pytest.mark.parametrize("data", [
    {"promote_mention": "countries:999999"},
    {"promote_mention": "countries:²"},
    {"promote_mention": "people:1"},
    {"dismiss_mention": "countries:" + "9" * 30},
    {"promote_mention": "nonsense"},
    {},
])
def test_a_nonsense_mention_is_refused_clearly_and_changes_nothing(editor_client, story, data):
    version = Article.objects.get(pk=story.pk).version
    response = editor_client.post(mention_url(story), data)
    assert response.status_code == 302
    page = editor_client.get(change_url(story)).content.decode()
    assert "That is not a mention of this story" in page or "no such mention" in page
    assert Article.objects.get(pk=story.pk).version == version


def test_another_articles_mention_is_refused(editor_client, story):
    other = make_article("Other story", body=BODY, countries=["IN"])
    mentions.refresh_article_mentions(other)
    theirs = lavrov(other)
    editor_client.post(mention_url(story), {"promote_mention": f"ministers:{theirs.pk}"})
    assert not story.ministers.exists()
    assert not other.ministers.exists()
    assert MentionedMinister.objects.filter(pk=theirs.pk, dismissed=False).exists()


def test_a_reporter_cannot_touch_the_mentions_of_someone_elses_story(reporter_client, story):
    row = lavrov(story)
    response = reporter_client.post(mention_url(story),
                                    {"dismiss_mention": f"ministers:{row.pk}"})
    assert response.status_code in (302, 404)
    assert not MentionedMinister.objects.get(pk=row.pk).dismissed


def test_a_reporter_who_may_read_a_published_story_may_not_change_its_mentions(
        reporter_client, story):
    Article.objects.filter(pk=story.pk).update(status=Article.Status.PUBLISHED,
                                               published_at=story.created_at)
    row = lavrov(story)
    response = reporter_client.post(mention_url(story),
                                    {"promote_mention": f"ministers:{row.pk}"}, follow=True)
    assert response.status_code == 200
    assert "You may not change this article" in response.content.decode()
    assert not story.ministers.exists()
    assert MentionedMinister.objects.filter(pk=row.pk, dismissed=False).exists()


def test_a_nonsense_article_id_is_a_404(editor_client):
    for bad in ("999999", "abc", "9" * 30):
        url = reverse("admin:articles_article_mention", args=[bad])
        assert editor_client.post(url, {"promote_mention": "countries:1"}).status_code == 404


def test_the_mention_address_answers_only_posts(editor_client, story):
    assert editor_client.get(mention_url(story)).status_code == 405


def test_ambiguous_names_are_shown_with_their_candidates(editor_client, story):
    kim_a = make_minister("Kim Min-jae", aliases=["Mr Kim"])
    kim_b = make_minister("Kim Jung-ho", aliases=["Mr Kim"])
    AmbiguousMention.objects.create(article=story, taxonomy="ministers", text="Mr Kim",
                                    field="headline", offset=0,
                                    candidates=[kim_a.pk, kim_b.pk])
    page = editor_client.get(change_url(story)).content.decode()
    assert "“Mr Kim”</strong> could be Kim Jung-ho or Kim Min-jae" in page


def test_saving_the_form_finds_the_mentions_of_the_new_text(editor_client, story):
    data = article_post_data(story, body="<p>India signed.</p><p>Brazil said nothing.</p>")
    editor_client.post(change_url(story), data)
    assert not MentionedMinister.objects.filter(article=story).exists()
    assert MentionedCountry.objects.filter(article=story, tag=country("BR")).exists()
