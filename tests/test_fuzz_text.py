"""Any text through the forms saves or is refused with a form error, never a 500; any text
already in the database still gives feeds and sitemaps that parse as XML and JSON-LD that
parses as JSON."""

import itertools
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.caching import state
from articles.models import Article, Correction, Minister, Policy
from articles.platform.text import find_forbidden
from tests.admin_forms import article_post_data
from tests.factories import country

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TROUBLE = [
    *(chr(code) for code in range(0x20)), "\x7f", "\x80", "\x85", "\x9f", "\ufdd0",
    "\ufffe", "\uffff", "\U0001fffe", "\U0010ffff", "\u202a", "\u202e", "\u2066",
    "\u2069", "\u200f", "\u2028", "&", "<", ">", '"', "'", "]]>", "\r\n", "ش", "ש",
]
# HTTP carries no lone surrogates (the forms' own tests cover them); PostgreSQL stores
# no NUL.
UNSTORABLE = "\x00" if connection.vendor == "postgresql" else ""


def text(min_size=0, max_size=60, exclude=""):
    """Any characters, with the troublesome ones (and pieces such as CRLF) often."""
    pieces = st.one_of(
        st.characters(exclude_categories=("Cs",), exclude_characters=exclude),
        st.sampled_from([piece for piece in TROUBLE if piece not in exclude]),
    )
    return st.lists(pieces, min_size=min_size, max_size=max_size).map("".join)


def stored_text(min_size=0, max_size=60):
    return text(min_size, max_size, exclude=UNSTORABLE)


numbers = itertools.count(1)


def assert_saved_clean_or_refused(response, saved, fields, names=()):
    """A redirect with text free of forbidden characters, or the form again with an error."""
    assert response.status_code in {200, 302}, response.status_code
    if response.status_code == 302:
        assert saved is not None
        for field in fields:
            value = getattr(saved, field)
            assert find_forbidden(str(value), names=field in names) is None, (field, value)
    else:
        assert saved is None
        page = response.content.decode()
        assert "errornote" in page or "errorlist" in page


@FUZZ
@given(headline=text(max_size=80), standfirst=text(max_size=80), body=text(max_size=80),
       dateline=text(max_size=30), source=text(max_size=30))
def test_any_text_through_the_article_form_saves_clean_or_is_refused(
    editor_client, headline, standfirst, body, dateline, source
):
    slug = f"fuzz-{next(numbers)}"
    response = editor_client.post(reverse("admin:articles_article_add"), article_post_data(
        headline=headline, slug=slug, standfirst=standfirst, body=body, dateline=dateline,
        source=source,
    ))
    assert_saved_clean_or_refused(
        response, Article.objects.filter(slug=slug).first(),
        ["headline", "standfirst", "body", "dateline", "source"],
        names=("headline", "dateline", "source"),
    )


@FUZZ
@given(note=text(max_size=80).filter(str.strip))  # a blank extra form is left unsaved
def test_any_correction_note_saves_clean_or_is_refused(editor_client, note):
    article = Article.objects.create(headline="Story", slug=f"story-{next(numbers)}",
                                     status=Article.Status.PUBLISHED,
                                     published_at=timezone.now())
    data = article_post_data(article, **{
        "corrections-TOTAL_FORMS": "1", "corrections-0-kind": "correction",
        "corrections-0-note": note,
    })
    response = editor_client.post(
        reverse("admin:articles_article_change", args=[article.pk]), data)
    assert_saved_clean_or_refused(response, Correction.objects.filter(article=article).first(),
                                  ["note"])


@FUZZ
@given(name=text(max_size=40), office=text(max_size=40), aliases=text(max_size=60))
def test_any_minister_through_the_plus_button_saves_clean_or_is_refused(
    reporter_client, name, office, aliases
):
    before = set(Minister.objects.values_list("pk", flat=True))
    response = reporter_client.post(
        reverse("admin:articles_minister_add") + "?_to_field=id&_popup=1",
        {"name": name, "office": office, "aliases": aliases, "_popup": "1"},
    )
    created = Minister.objects.exclude(pk__in=before).first()
    if response.status_code == 200 and created is not None:
        response.status_code = 302  # the popup answers 200 with the new entry
    assert_saved_clean_or_refused(response, created, ["name", "office", "aliases"],
                                  names=("name", "office", "aliases"))


@FUZZ
@given(name=text(max_size=40), description=text(max_size=60))
def test_any_policy_saves_clean_or_is_refused(editor_client, name, description):
    before = set(Policy.objects.values_list("pk", flat=True))
    response = editor_client.post(reverse("admin:articles_policy_add"),
                                  {"name": name, "description": description, "aliases": ""})
    assert_saved_clean_or_refused(response, Policy.objects.exclude(pk__in=before).first(),
                                  ["name", "description"], names=("name",))


# --- whatever is stored, every way out parses ----------------------------------------------


def fresh_caches():
    cache.clear()
    state.memory.clear()
    state.page_memory.clear()


def parse_xml(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return ET.fromstring(response.content)


@FUZZ
@given(headline=stored_text(min_size=1), standfirst=stored_text(), body=stored_text(),
       byline=stored_text(max_size=30), dateline=stored_text(max_size=30),
       tag_name=stored_text(min_size=1, max_size=30))
def test_stored_text_of_any_kind_still_gives_xml_and_json_ld(
    client, headline, standfirst, body, byline, dateline, tag_name
):
    number = next(numbers)
    minister = Minister.objects.create(name=f"{tag_name} {number}")
    article = Article.objects.create(
        headline=headline, slug=f"stored-{number}", standfirst=standfirst, body=body,
        source=byline, dateline=dateline, status=Article.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    article.ministers.add(minister)
    article.countries.add(country("IN"))
    fresh_caches()

    for url in ["/feeds/latest/", "/countries/india/feed/", "/sitemap.xml",
                "/news-sitemap.xml", f"{minister.get_absolute_url()}feed/"]:
        parse_xml(client, url)

    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>',
                       page.content.decode(), re.S)
    data = json.loads(script.group(1))
    assert find_forbidden(data["headline"]) is None
