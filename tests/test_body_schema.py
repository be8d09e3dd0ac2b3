"""The body's schema on the server: nh3 keeps exactly what the editor's extensions make,
whatever a client posts; text typed without markup becomes paragraphs; the form hands
the editor that schema and, for JavaScript off, plain fields that still work."""

import json
import re

import pytest
from django.conf import settings
from django.urls import reverse

from articles.models import Article
from articles.platform.sanitising import ALLOWED_TAGS, sanitise_html
from tests.admin_forms import article_post_data
from tests.factories import country, make_article, make_minister
from tests.pasted_html import GOOGLE_DOCS, WORD

ADD_URL = reverse("admin:articles_article_add")

EDITOR_MARKUP = (
    "<p>Talks <strong>resumed</strong> in <em>Moscow</em>, said "
    '<a href="https://example.org/talks" title="Statement">'
    "the ministry</a>.</p><h2>Freight</h2><h3>Ports</h3>"
    "<ul><li><p>Chennai</p></li></ul><ol start=\"3\"><li><p>Vladivostok</p></li></ol>"
    "<blockquote><p>We are ready.</p></blockquote>"
)


def test_the_allowed_tags_are_the_editors_and_no_more():
    """Paragraphs, H2/H3, bold, italic, links, both lists, quotes: the issue's list."""
    assert ALLOWED_TAGS == {"p", "h2", "h3", "strong", "em", "a", "ul", "ol", "li",
                            "blockquote"}


def test_what_the_editor_writes_is_stored_unchanged():
    assert sanitise_html(EDITOR_MARKUP) == EDITOR_MARKUP


@pytest.mark.parametrize(("posted", "stored"), [
    ('<div><span style="color:red">Hi</span></div>', "Hi"),
    ('<p class="MsoNormal" style="margin:0" dir="ltr" id="x">Hi</p>', "<p>Hi</p>"),
    ("<h1>Big</h1><h4>Small</h4><b>b</b><i>i</i>", "BigSmallbi"),
    ("<p>a<br>b<img src=x onerror=alert(1)></p><hr>", "<p>ab</p>"),
    ('<p><a href="javascript:alert(1)">x</a></p>', "<p><a>x</a></p>"),
    ('<p><a href="https://e.org" target="_blank" rel="opener">x</a></p>',
     '<p><a href="https://e.org">x</a></p>'),
    ("<table><tr><td>cell</td></tr></table><pre><code>c</code></pre>", "cellc"),
])
def test_markup_outside_the_schema_is_dropped_and_its_text_kept(posted, stored):
    assert sanitise_html(posted) == stored


def test_text_typed_without_markup_becomes_paragraphs():
    """The plain textarea (JavaScript off): blank lines part paragraphs, text is escaped."""
    typed = "Tom & Jerry said a < b\nand left.\n\n\nSecond paragraph.\n"
    assert sanitise_html(typed) == (
        "<p>Tom &amp; Jerry said a &lt; b and left.</p><p>Second paragraph.</p>"
    )
    assert sanitise_html("   \n\n ") == ""


@pytest.mark.django_db
@pytest.mark.parametrize("pasted", [WORD, GOOGLE_DOCS], ids=["word", "google-docs"])
def test_word_processor_html_posted_as_it_is_stores_no_stray_markup(editor_client, pasted):
    """A crafted POST of raw clipboard HTML: no div, span, style, class or comment left."""
    response = editor_client.post(ADD_URL, article_post_data(body=pasted))
    assert response.status_code == 302
    body = Article.objects.get().body
    assert not re.search(r"<(?!/?(p|h2|h3|strong|em|a|ul|ol|li|blockquote)\b)", body)
    assert not re.search(r"\b(style|class|id|dir|lang)=", body)
    assert "Calibri" not in body and "<!--" not in body


@pytest.mark.django_db
def test_the_form_gives_the_editor_the_servers_schema(editor_client):
    """The textarea carries the extensions the sanitiser is built from, and the page
    loads the editor as a module file (no inline script under the admin's policy)."""
    page = editor_client.get(ADD_URL).content.decode()
    textarea = re.search(r"<textarea name=\"body\"[^>]*>", page).group(0)
    config = json.loads(re.search(r'data-django-prose-editor-configurable="([^"]*)"', textarea)
                        .group(1).replace("&quot;", '"'))
    assert config["extensions"]["Heading"] == {"levels": [2, 3]}
    assert not {"Strike", "Underline", "Table", "Image", "HardBreak", "CodeBlock"} & set(
        config["extensions"])
    assert '<script src="/static/newsroom-admin/body-editor.js" type="module">' in page
    assert "importmap" not in page


@pytest.mark.django_db
def test_with_javascript_off_the_tag_fields_are_multi_selects_of_every_entry(editor_client):
    """Without select2 a picker shows every entry, and choosing from it tags the story."""
    article = make_article("Rail talks", status=Article.Status.DRAFT, countries=["IN"])
    wang = make_minister("Wang Yi")
    change = reverse("admin:articles_article_change", args=[article.pk])
    page = editor_client.get(change).content.decode()
    countries = re.search(r'<select name="countries"[^>]*multiple.*?</select>', page, re.S)
    assert countries.group(0).count("<option") > 200  # the ISO list, not just India
    assert re.search(rf'<option value="{country("IN").pk}" selected>India</option>',
                     countries.group(0))
    assert f'<option value="{wang.pk}">Wang Yi</option>' in page
    data = article_post_data(article, countries=[str(country("IN").pk), str(country("RU").pk)],
                             ministers=[str(wang.pk)])
    assert editor_client.post(change, data).status_code == 302
    assert sorted(article.countries.names()) == ["India", "Russia"]
    assert list(article.ministers.names()) == ["Wang Yi"]


@pytest.mark.django_db
def test_a_body_past_the_request_limit_is_refused_and_changes_nothing(editor_client):
    """A pasted (or crafted) body past Django's upload limit gets a 400, not a 500."""
    article = make_article("Rail talks", status=Article.Status.DRAFT)
    change = reverse("admin:articles_article_change", args=[article.pk])
    huge = "<p>" + "word " * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 5 + 1) + "</p>"
    response = editor_client.post(change, article_post_data(article, body=huge))
    assert response.status_code == 400
    assert Article.objects.get(pk=article.pk).body == article.body


@pytest.mark.django_db
def test_deeply_nested_markup_is_flattened_not_an_error(editor_client):
    """Ten thousand nested quotes and spans: stored as sanitised text, no crash."""
    body = "<blockquote><span>" * 10_000 + "deep" + "</span></blockquote>" * 10_000
    response = editor_client.post(ADD_URL, article_post_data(body=body))
    assert response.status_code == 302
    stored = Article.objects.get().body
    assert "deep" in stored and "<span" not in stored


@pytest.mark.parametrize(("posted", "stored"), [
    ('<p><a href="www.bbc.co.uk/news">BBC</a></p>',
     '<p><a href="https://www.bbc.co.uk/news">BBC</a></p>'),
    ('<p><a href="example.org">e</a></p>', '<p><a href="https://example.org">e</a></p>'),
    ('<p><a href="https://example.org/a b" title="">x</a></p>',
     '<p><a href="https://example.org/a%20b">x</a></p>'),
    ('<p><a href="/countries/india/">India</a></p>',
     '<p><a href="/countries/india/">India</a></p>'),
])
def test_a_link_typed_without_its_scheme_still_leads_off_site(posted, stored):
    """"www.bbc.co.uk/news" typed in the link dialog would be a path on our own site."""
    assert sanitise_html(posted) == stored


@pytest.mark.django_db
@pytest.mark.parametrize("href", ["javascript:alert(1)", "", "data:text/html,hi"])
def test_a_link_readers_could_not_follow_is_named_and_nothing_saved(editor_client, href):
    article = make_article("Rail talks", status=Article.Status.DRAFT, body="<p>Kept.</p>")
    change = reverse("admin:articles_article_change", args=[article.pk])
    body = f'<p>See <a href="{href}">the statement</a>.</p>'
    response = editor_client.post(change, article_post_data(article, body=body))
    assert response.status_code == 200
    assert "address must start with http://, https:// or mailto:" in response.content.decode()
    assert Article.objects.get(pk=article.pk).body == "<p>Kept.</p>"
