"""Corrections readers can trust: typed notes with their time, corrections and
clarifications above the story and on /corrections/, updates below it, JSON-LD
CorrectionComment, and the pages refreshed when a note is added."""

import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Correction
from tests.admin_forms import article_post_data
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def note(article, kind, text, **kwargs):
    return Correction.objects.create(article=article, kind=kind, note=text, **kwargs)


def json_ld(html):
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>',
                                html, re.S).group(1))


def test_corrections_and_clarifications_sit_above_the_body_and_updates_below(client):
    article = make_article("Ports deal signed", body="<p>The body of the story.</p>")
    note(article, "correction", "The port is in Gujarat, not Goa.")
    note(article, "clarification", "The figure is for goods only.")
    note(article, "update", "The deal was ratified on Friday.")
    html = client.get(article.get_absolute_url()).content.decode()
    body = html.index("The body of the story.")
    assert html.index("The port is in Gujarat") < body
    assert html.index("The figure is for goods only.") < body
    assert html.index("The deal was ratified on Friday.") > body
    assert '<h2 id="corrections-heading">Corrections and clarifications</h2>' in html
    assert '<h2 id="updates-heading">Updates</h2>' in html
    assert "<strong>Clarification</strong>" in html and "<strong>Update</strong>" in html


def test_json_ld_carries_corrections_as_correction_comments_not_updates(client):
    with time_machine.travel("2026-03-02 10:00:00Z", tick=False):
        article = make_article("Ports deal signed")
        note(article, "correction", "The port is in Gujarat, not Goa.")
        note(article, "update", "The deal was ratified on Friday.")
        data = json_ld(client.get(article.get_absolute_url()).content.decode())
    assert data["correction"] == [{
        "@type": "CorrectionComment", "text": "The port is in Gujarat, not Goa.",
        "datePublished": "2026-03-02T10:00:00Z",
    }]


def test_an_article_without_corrections_has_no_correction_in_json_ld(client):
    article = make_article("Ports deal signed")
    note(article, "update", "The deal was ratified on Friday.")
    data = json_ld(client.get(article.get_absolute_url()).content.decode())
    assert "correction" not in data


def test_corrections_page_lists_public_corrections_newest_first_with_links(client):
    now = timezone.now()
    live = make_article("Ports deal signed")
    other = make_article("Grain talks resume")
    draft = make_article("A draft", status=Article.Status.DRAFT)
    scheduled = make_article("Tomorrow", published_at=now + timedelta(days=1))
    withdrawn = make_article("Gone", status=Article.Status.WITHDRAWN,
                             published_at=now - timedelta(days=1))
    note(live, "correction", "Older correction.", created_at=now - timedelta(hours=3))
    note(other, "clarification", "Newer clarification.", created_at=now - timedelta(hours=1))
    note(live, "update", "An update is not listed.")
    for hidden in (draft, scheduled, withdrawn):
        note(hidden, "correction", f"Hidden note on {hidden.headline}.")

    html = client.get(reverse("articles:corrections")).content.decode()

    assert html.index("Newer clarification.") < html.index("Older correction.")
    assert f'<a href="{live.get_absolute_url()}">Ports deal signed</a>' in html
    assert f'<a href="{other.get_absolute_url()}">Grain talks resume</a>' in html
    assert "An update is not listed." not in html
    assert "Hidden note" not in html
    assert html.count("<h1") == 1


@pytest.mark.parametrize("page", ["abc", "0", "99", "-2", "%00"])
def test_a_bad_page_of_corrections_is_not_found(client, page):
    note(make_article(), "correction", "A correction.")
    assert client.get("/corrections/", {"page": page}).status_code == 404


def test_corrections_page_paginates(client):
    article = make_article()
    for i in range(25):
        note(article, "correction", f"Correction number {i}.")
    first = client.get("/corrections/").content.decode()
    second = client.get("/corrections/", {"page": "2"}).content.decode()
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert first.count("Correction number") == 20 and second.count("Correction number") == 5


def test_adding_a_correction_refreshes_the_article_and_the_corrections_page(client):
    article = make_article("Ports deal signed")
    other = make_article("Grain talks resume")
    for url in (article.get_absolute_url(), "/corrections/", other.get_absolute_url()):
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit", url

    note(article, "correction", "The port is in Gujarat, not Goa.")

    for url in (article.get_absolute_url(), "/corrections/"):
        response = client.get(url)
        assert response["X-Page-Cache"] == "miss", url
        assert "The port is in Gujarat, not Goa." in response.content.decode(), url
    assert client.get(other.get_absolute_url())["X-Page-Cache"] == "hit"


def test_an_editor_chooses_the_kind_in_the_correction_inline(editor_client):
    article = make_article("Ports deal signed")
    data = article_post_data(article, **{
        "corrections-TOTAL_FORMS": "1", "corrections-0-kind": "clarification",
        "corrections-0-note": "The figure is for goods only.",
    })
    response = editor_client.post(
        reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 302
    assert article.corrections.get().kind == "clarification"


@pytest.mark.parametrize("kind", ["erratum", "", "x" * 40, "correction\x00"])
def test_an_unknown_kind_posted_is_refused_and_nothing_is_saved(editor_client, kind):
    article = make_article("Ports deal signed")
    data = article_post_data(article, **{
        "corrections-TOTAL_FORMS": "1", "corrections-0-kind": kind,
        "corrections-0-note": "A note.",
    })
    response = editor_client.post(
        reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 200
    assert not Correction.objects.exists()


def test_an_export_with_an_unknown_correction_kind_fails_the_file(tmp_path):
    from articles.wire.files import import_file

    line = {"headline": "Bad", "slug": "bad", "status": "draft",
            "corrections": [{"kind": "erratum", "note": "x",
                             "created_at": "2024-03-01T10:00:00+00:00"}]}
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    result = import_file(path)
    assert result.outcome == "failed" and "unknown correction kind" in result.message
    assert not Article.objects.exists()


def test_the_note_shows_its_time_in_the_site_time_zone(client, settings):
    settings.TIME_ZONE = "Asia/Kolkata"
    with time_machine.travel("2026-03-02 10:00:00Z", tick=False):
        article = make_article("Ports deal signed")
        note(article, "correction", "The port is in Gujarat.")
        html = client.get(article.get_absolute_url()).content.decode()
    assert '<time datetime="2026-03-02T15:30:00+05:30">2 March 2026, 15:30 IST</time>' in html


def test_note_times_are_valid_html_datetimes_without_microseconds(client):
    """The Nu Html Checker refuses six-digit fractions of a second in `datetime`; a
    correction's time (taken with microseconds) is written to the second."""
    article = make_article("Port deal signed")
    article.corrections.create(kind="correction", note="The port is in Gwadar.")
    for url in (article.get_absolute_url(), "/corrections/"):
        html = client.get(url).content.decode()
        stamps = re.findall(r'datetime="([^"]+)"', html)
        assert stamps, url
        for stamp in stamps:
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", stamp), stamp
