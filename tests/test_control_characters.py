"""Invisible control characters: refused by every form, stripped (and reported) by every
import, and never able to break a feed, a sitemap, JSON-LD or the history page."""

import io
import json
import re
import xml.etree.ElementTree as ET

import pytest
import reversion
from django.core.management import call_command
from django.urls import reverse

from articles.editorial.forms import ArticleForm
from articles.models import Article, Correction, Minister, Policy
from articles.tagging.vocabulary import load_vocabulary
from articles.wire.files import import_file
from tests.admin_forms import article_post_data
from tests.factories import country, make_article, make_minister, make_policy

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_article_add")
MINISTER_POPUP = reverse("admin:articles_minister_add") + "?_to_field=id&_popup=1"
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def page(response):
    return response.content.decode()


# --- forms refuse, naming the character and where it is ------------------------------


def test_an_editor_headline_with_u0001_is_refused_with_the_character_and_position(
    editor_client,
):
    data = article_post_data(headline="Talks\x01 resume in Moscow", slug="talks")
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert ("contains an invisible control character (U+0001) at position 6, just after "
            "“Talks”; retype the text there") in page(response)
    assert not Article.objects.exists()


@pytest.mark.parametrize(("field", "value", "code"), [
    ("standfirst", "Talks\x0bin Moscow.", "U+000B"),
    ("body", "<p>Talks\x1b[31m in Moscow.</p>", "U+001B"),
    ("source", "Reu\x7fters", "U+007F"),
    ("dateline", "Mos\x85cow", "U+0085"),
    ("withdrawal_note", "A port\ufffe at dawn", "U+FFFE"),
])
def test_every_text_field_of_the_article_form_refuses_control_characters(
    editor_client, field, value, code
):
    article = make_article(status=Article.Status.REVIEW)
    response = editor_client.post(change_url(article), article_post_data(article, **{
        field: value}))
    assert response.status_code == 200
    assert f"invisible control character ({code})" in page(response)
    article.refresh_from_db()
    assert getattr(article, field) != value and article.version == 1


def test_a_correction_note_with_a_control_character_is_refused(editor_client):
    article = make_article()
    data = article_post_data(article, **{
        "corrections-TOTAL_FORMS": "1", "corrections-0-kind": "correction",
        "corrections-0-note": "The minister\x08s name was misspelt.",
    })
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 200
    assert "invisible control character (U+0008) at position 13" in page(response)
    assert not Correction.objects.exists()


def test_a_control_character_in_the_body_is_found_by_the_words_before_it(editor_client):
    """The position counts the stored markup too; the words before it are what the
    editor sees on screen."""
    body = "<p>Talks <strong>resumed</strong> on Tuesday.</p><p>Ships\x07 queued.</p>"
    response = editor_client.post(ADD_URL, article_post_data(body=body))
    assert response.status_code == 200
    assert "just after “resumed on Tuesday. Ships”" in page(response)
    assert not Article.objects.exists()


def test_a_reporter_cannot_add_a_minister_named_with_u000b_through_the_plus_button(
    reporter_client,
):
    response = reporter_client.post(MINISTER_POPUP, {
        "name": "Sergey\x0bLavrov", "office": "", "aliases": "", "_popup": "1",
    })
    assert response.status_code == 200
    assert "invisible control character (U+000B) at position 7" in page(response)
    assert not Minister.objects.exists()


def test_an_alias_line_with_a_control_character_is_refused_with_its_line(editor_client):
    minister = make_minister()
    response = editor_client.post(
        reverse("admin:articles_minister_change", args=[minister.pk]),
        {"name": minister.name, "office": minister.office,
         "aliases": "Lavrov\r\nS.\x0bLavrov", "in_office_from": "", "in_office_to": ""},
    )
    assert response.status_code == 200
    assert "Line 2 contains an invisible control character (U+000B) at position 3" in page(
        response)
    minister.refresh_from_db()
    assert minister.aliases == []


@pytest.mark.parametrize("name", ["Lav\u202erov", "\u2066Lavrov\u2069", "Lav\u202arov"])
def test_direction_controls_are_refused_in_a_minister_name(editor_client, name):
    response = editor_client.post(MINISTER_POPUP, {"name": name, "aliases": "",
                                                   "_popup": "1"})
    assert response.status_code == 200
    assert "invisible text-direction control" in page(response)
    assert not Minister.objects.exists()


def test_direction_controls_are_refused_in_a_headline_but_welcome_in_the_body(
    editor_client,
):
    refused = editor_client.post(ADD_URL, article_post_data(
        headline="Deal \u202esigned", slug="deal"))
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in page(refused)
    saved = editor_client.post(ADD_URL, article_post_data(
        headline="Deal signed", slug="deal",
        body="<p>The minister said \u2067شكرا\u2069 twice.</p>"))
    assert saved.status_code == 302
    assert "\u2067شكرا\u2069" in Article.objects.get().body


def test_a_country_alias_with_a_direction_control_is_refused(editor_client):
    india = country("IN")
    url = reverse("admin:articles_country_change", args=[india.pk])
    refused = editor_client.post(url, {"aliases": "Indian\n\u202bBharat"})
    assert refused.status_code == 200 and "U+202B" in page(refused)
    assert editor_client.post(url, {"aliases": "Indian\nभारत\nالهند"}).status_code == 302
    india.refresh_from_db()
    assert india.aliases == ["Indian", "भारत", "الهند"]


@pytest.mark.parametrize("name", ["فيصل بن فرحان", "יאיר לפיד", "王毅"])
def test_names_in_right_to_left_and_other_scripts_are_saved(editor_client, name):
    response = editor_client.post(MINISTER_POPUP, {"name": name, "aliases": name[:3],
                                                   "_popup": "1"})
    assert "Popup closing" in page(response)
    assert Minister.objects.get().name == name


def test_a_headline_in_arabic_is_saved(editor_client):
    response = editor_client.post(ADD_URL, article_post_data(
        headline="وزير الخارجية يزور موسكو", slug="arabic"))
    assert response.status_code == 302
    assert Article.objects.get().headline == "وزير الخارجية يزور موسكو"


def test_browser_line_ends_are_stored_as_newlines(editor_client):
    editor_client.post(ADD_URL, article_post_data(standfirst="One.\r\nTwo.", slug="crlf"))
    assert Article.objects.get().standfirst == "One.\nTwo."


def test_a_lone_surrogate_is_refused_by_the_form(editor):
    form_class = type("Form", (ArticleForm,), {"user": editor, "saved": None})
    form = form_class(data=article_post_data(headline="Broken \ud800 text", slug="s"))
    assert not form.is_valid()
    assert "U+D800" in form.errors["headline"][0]


# --- imports strip and say so ---------------------------------------------------------


def test_a_wire_file_with_control_characters_is_imported_clean_and_reported(tmp_path):
    path = tmp_path / "wire.txt"
    path.write_bytes("date 2024-03-14 Ministers\x07 met in\x0bDelhi\u0085on Friday.\n\n"
                     "They agreed\x1b.\n".encode())
    out = io.StringIO()
    call_command("import_articles", str(path), stdout=out)
    article = Article.objects.get()
    assert article.headline == "Ministers met in Delhi on Friday"
    assert article.body == "<p>Ministers met in Delhi on Friday.</p><p>They agreed.</p>"
    assert "(in review, removed 4 control characters): Ministers met" in out.getvalue()


def test_a_wire_file_with_a_nul_byte_is_still_refused_as_binary(tmp_path):
    path = tmp_path / "wire.txt"
    path.write_bytes(b"date 2024-03-14 Ministers met.\x00")
    result = import_file(path)
    assert result.outcome == "failed" and "binary content (NUL byte)" in result.message


def test_a_wire_headline_loses_its_direction_controls(tmp_path):
    path = tmp_path / "wire.txt"
    path.write_text("date 2024-03-14 The \u202eminister\u202c met envoys. More.\n",
                    encoding="utf-8")
    result = import_file(path)
    article = Article.objects.get()
    assert article.headline == "The minister met envoys"
    assert "removed 2 control characters" in result.message


def test_an_export_line_with_control_characters_is_imported_clean_and_reported(tmp_path):
    lines = [
        {"headline": "Clean", "slug": "clean", "status": "draft"},
        {"headline": "Talks\u0001 resume", "slug": "talks", "status": "draft",
         "standfirst": "A\u0085B", "authors": ["Arun\u202e Kumar"],
         "ministers": ["Sergey\u000bLavrov"], "policies": ["Make in\ufffe India"],
         "corrections": [{"kind": "update", "note": "Fixed\u0007.",
                          "created_at": "2024-03-01T10:00:00+00:00"}]},
    ]
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    result = import_file(path)
    assert result.message == (
        "imported 2, skipped 0 (export; removed 6 control characters on line 2)")
    article = Article.objects.get(slug="talks")
    assert article.headline == "Talks resume"
    assert article.standfirst == "A B"
    assert [author.name for author in article.ordered_authors()] == ["Arun Kumar"]
    assert Minister.objects.get().name == "Sergey Lavrov"
    assert Policy.objects.get().name == "Make in India"
    assert article.corrections.get().note == "Fixed."


def test_the_vocabulary_file_is_loaded_clean_and_reported(tmp_path):
    summary = load_vocabulary(data={
        "countries": [{"code": "IN", "aliases": ["Bha\u0001rat"]}],
        "ministers": [{"name": "Sergey\u000bLavrov", "aliases": ["Lav\u202erov"],
                       "office": "Foreign\u0085Minister"}],
        "policies": [{"name": "Make in India", "description": "One\u0007 line."}],
    })
    assert "removed 5 control characters" in str(summary)
    minister = Minister.objects.get()
    assert (minister.name, minister.aliases, minister.office) == (
        "Sergey Lavrov", ["Lavrov"], "Foreign Minister")
    assert "Bharat" in country("IN").aliases
    assert Policy.objects.get().description == "One line."


# --- what is already stored can never break a response ---------------------------------


@pytest.fixture
def dirty_rows():
    """Rows written without the forms or imports, as before this rule existed."""
    minister = make_minister("Sergey\x0bLavrov")
    policy = make_policy("Make in In\x80dia")
    article = make_article(
        "Talks\x01 resume\ufffe", standfirst="Sum\x1bmary", authors=["Arun\x02 Kumar"],
        dateline="Mos\x0ccow", countries=["IN"], ministers=[minister], policies=[policy],
    )
    return article, minister, policy


def assert_clean_xml(response):
    assert response.status_code == 200, response.status_code
    root = ET.fromstring(response.content)
    for element in root.iter():
        for text in (element.text, element.tail, *element.attrib.values()):
            assert not XML_FORBIDDEN.search(text or "")
    return root


@pytest.mark.parametrize("url", [
    "/feeds/latest/", "/feed/", "/countries/india/feed/", "/ministers/sergey-lavrov/feed/",
    "/policies/make-in-india/feed/", "/sitemap.xml", "/news-sitemap.xml",
    "/sitemap-index.xml", "/search/feed/?q=talks",
])
def test_feeds_and_sitemaps_of_stored_control_characters_parse_as_xml(
    client, dirty_rows, url
):
    assert_clean_xml(client.get(url))


def test_the_feed_item_keeps_its_words_without_the_controls(client, dirty_rows):
    root = assert_clean_xml(client.get("/ministers/sergey-lavrov/feed/"))
    item = root.find("channel/item")
    assert item.findtext("title") == "Talks resume"
    assert item.findtext("description") == "Summary"
    assert sorted(c.text for c in item.findall("category")) == [
        "India", "Make in India", "Sergey Lavrov"]
    assert root.findtext("channel/title").startswith("Sergey Lavrov")


def test_json_ld_of_stored_control_characters_parses_without_them(client, dirty_rows):
    article = dirty_rows[0]
    html = page(client.get(article.get_absolute_url()))
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(script.group(1))
    assert data["headline"] == "Talks resume"
    assert data["description"] == "Summary"
    assert data["author"][0]["name"] == "Arun Kumar"
    assert data["locationCreated"]["name"] == "Mos cow"
    assert "Sergey Lavrov" in data["keywords"]


def test_the_history_page_names_control_characters_it_compares(editor_client):
    article = make_article(status=Article.Status.REVIEW, headline="Talks resume")
    with reversion.create_revision():
        article.save()
    article.headline = "Talks\x01 resume \u202eagain"
    with reversion.create_revision():
        article.save()
    response = editor_client.get(reverse("admin:articles_article_history",
                                         args=[article.pk]))
    changes = re.findall(r"<dd>(.*?)</dd>", page(response), re.S)
    assert changes[0] == (
        "<del>Talks</del> <ins>Talks[U+0001]</ins> resume <ins>[U+202E]again</ins>")
    assert not re.search("[\x01\u202e]", "".join(changes))


# --- feed descriptions are plain text, escaped once ------------------------------------


@pytest.mark.parametrize(("standfirst", "body"), [
    ('<script>alert("x")</script> <img src=x onerror=alert(1)>', "<p>Body.</p>"),
    ("", "<p>&lt;script&gt;alert(1)&lt;/script&gt; and &lt;b&gt;bold&lt;/b&gt;</p>"),
])
def test_feed_descriptions_carry_no_markup_a_reader_could_run(client, standfirst, body):
    make_article("Markup test", standfirst=standfirst, body=body)
    root = ET.fromstring(client.get("/feeds/latest/").content)
    description = root.find("channel/item").findtext("description")
    # What a reader renders as HTML: after this one XML decode, not a single tag.
    assert "<" not in description and ">" not in description
    assert "&lt;script&gt;alert(" in description
