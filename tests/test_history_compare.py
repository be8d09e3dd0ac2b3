"""Comparing any two versions of an article from its history, and what the comparison
refuses: nonsense ids, another article's versions, an article the user may not see."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article
from tests.admin_forms import article_post_data
from tests.factories import country, make_article, make_image

pytestmark = pytest.mark.django_db


def saved(client, article, **changes):
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = client.post(url, article_post_data(article, **changes))
    assert response.status_code == 302
    return Article.objects.get(pk=article.pk)


def last_message(response):
    return str(list(get_messages(response.wsgi_request))[-1])


def compare_url(article):
    return reverse("admin:articles_article_compare", args=[article.pk])


def versions_of(article):
    """The article's versions, oldest first."""
    return list(Version.objects.get_for_object(article).order_by("pk"))


def three_versions(client):
    article = make_article(status=Article.Status.REVIEW, headline="Talks begin in Delhi",
                           body="<p>Ministers met for three hours.</p><p>Trade &amp; "
                           "defence came up.</p>")
    article = saved(client, article, standfirst="First version.")
    article = saved(client, article, headline="Talks end in Delhi",
                    countries=[str(country("IN").pk)])
    article = saved(client, article, body="<p>Ministers met for five hours.</p>"
                    "<p>Trade &amp; defence came up.</p>")
    return article, versions_of(article)


def test_editor_compares_the_two_oldest_versions_word_by_word(editor_client):
    """Headline as a word diff, tags by name, the body's unchanged words in full."""
    article, (first, second, third) = three_versions(editor_client)
    page = editor_client.get(compare_url(article), {"from": first.pk, "to": second.pk})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Talks <del>begin</del> <ins>end</ins> in Delhi" in html
    assert "+ India" in html
    assert "three hours" not in html  # the body did not change between these two
    revert = reverse("admin:articles_article_revision", args=[article.pk, first.pk])
    assert f'href="{revert}"' in html


def test_the_body_diff_reads_as_text_without_html_entities(editor_client):
    article, (first, second, third) = three_versions(editor_client)
    html = editor_client.get(compare_url(article),
                             {"from": third.pk, "to": second.pk}).content.decode()
    # Older to newer, whichever column each was chosen in.
    assert "met for <del>three</del> <ins>five</ins> hours." in html
    assert "Trade &amp; defence came up." in html  # "&" escaped once, shown as "&"
    assert "&amp;amp;" not in html and "&lt;p&gt;" not in html


def test_a_publication_time_that_lost_only_its_microseconds_is_no_change(editor_client):
    """A stored version keeps times to the millisecond; that is not a change to show."""
    moment = timezone.now().replace(microsecond=123456)
    article = make_article(status=Article.Status.REVIEW, published_at=moment)
    article = saved(editor_client, article, standfirst="v1")
    Article.objects.filter(pk=article.pk).update(published_at=moment)
    first = versions_of(article)[0]
    revision_page = editor_client.get(
        reverse("admin:articles_article_revision", args=[article.pk, first.pk])
    ).content.decode()
    assert "Publication time" not in revision_page
    Article.objects.filter(pk=article.pk).update(published_at=moment + timedelta(hours=2))
    revision_page = editor_client.get(
        reverse("admin:articles_article_revision", args=[article.pk, first.pk])
    ).content.decode()
    assert "Publication time" in revision_page


@pytest.mark.parametrize("query", [
    {},
    {"from": "abc", "to": "1"},
    {"from": "1' OR 1=1", "to": "2"},
    {"from": "99999999", "to": "99999998"},
    {"from": "-1", "to": "0"},
    {"from": "1" * 40, "to": "2"},
])
def test_nonsense_version_ids_are_refused_clearly(editor_client, query):
    article, versions = three_versions(editor_client)
    response = editor_client.get(compare_url(article), query)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:articles_article_history",
                                           args=[article.pk])
    assert "Choose two different versions" in last_message(response)


def test_control_characters_in_the_query_are_refused(editor_client):
    article, versions = three_versions(editor_client)
    response = editor_client.get(compare_url(article), {"from": "\x00", "to": "\x1b"})
    assert response.status_code == 400


def test_the_same_version_twice_is_refused(editor_client):
    article, (first, *_) = three_versions(editor_client)
    response = editor_client.get(compare_url(article), {"from": first.pk, "to": first.pk})
    assert response.status_code == 302


def test_another_articles_version_cannot_be_compared_here(editor_client):
    """A version id of article B at article A's address shows nothing of B."""
    article, (first, *_) = three_versions(editor_client)
    other = saved(editor_client, make_article(status=Article.Status.REVIEW,
                                              headline="Secret other story"), standfirst="x")
    other_version = versions_of(other)[0]
    response = editor_client.get(compare_url(article),
                                 {"from": first.pk, "to": other_version.pk})
    assert response.status_code == 302
    assert "Choose two different versions" in last_message(response)


def test_a_reporter_cannot_see_the_history_of_a_colleagues_draft(
    reporter_client, editor_client
):
    article, (first, second, _) = three_versions(editor_client)
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
    history = reverse("admin:articles_article_history", args=[article.pk])
    assert reporter_client.get(history).status_code == 404
    response = reporter_client.get(compare_url(article), {"from": first.pk, "to": second.pk})
    assert response.status_code == 404


def test_the_history_page_offers_two_versions_to_compare(editor_client):
    article, (first, second, third) = three_versions(editor_client)
    html = editor_client.get(
        reverse("admin:articles_article_history", args=[article.pk])
    ).content.decode()
    assert f'action="{compare_url(article)}"' in html
    assert f'name="to" value="{third.pk}" id="to-{third.pk}" checked' in html
    assert f'name="from" value="{second.pk}" id="from-{second.pk}" checked' in html
    assert "Compare from the version saved" in html  # each choice has a label


def test_an_image_set_between_two_versions_shows_as_a_change_of_image(editor_client, editor):
    import reversion

    article = saved(editor_client, make_article(status=Article.Status.REVIEW), standfirst="x")
    image = make_image()
    with reversion.create_revision():
        article.hero_image = image
        article.save()
        reversion.set_user(editor)
    first, second = versions_of(article)
    html = editor_client.get(compare_url(article),
                             {"from": first.pk, "to": second.pk}).content.decode()
    assert f"none → image #{image.pk}" in html


def test_a_change_of_formatting_only_says_so_instead_of_an_empty_diff(editor_client):
    article, *_ = three_versions(editor_client)
    article = saved(editor_client, article, body="<p>Ministers met for <strong>five"
                    "</strong> hours.</p><p>Trade &amp; defence came up.</p>")
    *_, before, after = versions_of(article)
    html = editor_client.get(compare_url(article),
                             {"from": before.pk, "to": after.pk}).content.decode()
    assert "Formatting or spacing only: the words are the same." in html
    assert "<del>" not in html.split('id="change-history"')[1]


def test_the_history_page_costs_the_same_queries_for_many_versions(editor_client):
    """Names, tags and who saved each version come in a fixed number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    article, _ = three_versions(editor_client)
    url = reverse("admin:articles_article_history", args=[article.pk])
    with CaptureQueriesContext(connection) as few:
        assert editor_client.get(url).status_code == 200
    for n in range(5):
        article = saved(editor_client, article, standfirst=f"Take {n}.",
                        countries=[str(country("IN").pk), str(country("RU").pk)][: n % 2 + 1])
    with CaptureQueriesContext(connection) as many:
        assert editor_client.get(url).status_code == 200
    assert len(many) == len(few)
