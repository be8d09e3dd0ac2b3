"""POST /api/v1/ingest/: an agency pushes ninjs or NewsML-G2 with its key; 201 for a new
story, 200 for a duplicate or an update, 422 with reasons, 401/403 for unknown or revoked
keys, 413 over the size limit, 429 over the key's rate."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import AgencyToken, Article

pytestmark = pytest.mark.django_db
PUSH = "/api/v1/ingest/"


def item(version=1, headline="Port talks resume in Colombo", **more):
    return json.dumps({"uri": "urn:test:push", "version": str(version),
                       "headlines": [{"value": headline}], **more})


@pytest.fixture
def key():
    token = AgencyToken(name="Test agency text feed", source="Test Agency")
    key = token.new_key()
    token.save()
    return key


def push(client, body, key, content_type="application/json"):
    return client.post(PUSH, body, content_type=content_type,
                       HTTP_AUTHORIZATION=f"Bearer {key}")


def test_a_pushed_item_becomes_a_story_and_a_repeat_is_a_duplicate(client, key):
    created = push(client, item(), key)
    again = push(client, item(), key)

    article = Article.objects.get()
    assert created.status_code == 201 and created.json()["id"] == article.pk
    assert article.source == "Test Agency" and article.status == Article.Status.REVIEW
    assert again.status_code == 200 and again.json()["items"][0]["outcome"] == "skipped"
    assert push(client, item(2, "Port talks end"), key).json()["items"][0]["outcome"] == \
        "updated"
    assert AgencyToken.objects.get().last_used_at is not None


def test_newsml_is_pushed_too(client, key):
    body = ('<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:x" version="1">'
            '<itemMeta><itemClass qcode="ninat:text"/></itemMeta>'
            '<contentMeta><headline>Harbour deal signed</headline></contentMeta></newsItem>')
    response = push(client, body, key, content_type="application/xml")
    assert response.status_code == 201
    assert Article.objects.get().headline == "Harbour deal signed"


@pytest.mark.parametrize(("body", "reason"), [
    ('{"uri": ', "invalid JSON"),
    ('{"headlines": []}', "'uri' is a required property"),
    ("date 2024-01-01 Plain text.", "neither IPTC ninjs"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('{"uri": "u", "headlines": [{"value": "H"}], "bodies": [{"value": ' + "[" * 50_000
     + "]" * 50_000 + "}]}", ""),
    ('<?xml version="1.0"?><!DOCTYPE n [<!ENTITY x SYSTEM "file:///etc/passwd">]><n>&x;</n>',
     "external reference is refused"),
])
def test_bad_input_is_a_422_with_the_reason_and_stores_nothing(client, key, body, reason):
    response = push(client, body, key)
    assert response.status_code == 422
    assert reason in response.json()["detail"][0]
    assert not Article.objects.exists()


def test_unknown_missing_and_revoked_keys_are_refused(client, key):
    assert client.post(PUSH, item(), content_type="application/json").status_code == 401
    assert push(client, item(), "nra_made-up").status_code == 401
    AgencyToken.objects.update(revoked_at=timezone.now())
    assert push(client, item(), key).status_code == 403
    assert client.get(PUSH, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 405
    assert not Article.objects.exists()


def test_oversized_body_and_rate_are_refused(client, key, settings):
    settings.NEWSROOM_IMPORT_MAX_BYTES = 50
    assert push(client, item(headline="x" * 100), key).status_code == 413
    settings.NEWSROOM_IMPORT_MAX_BYTES = 1024 * 1024
    settings.NEWSROOM_INGEST_RATE = 2
    codes = [push(client, item(n + 1), key).status_code for n in range(3)]
    assert codes[:2] != [429, 429] and codes[2] == 429


def test_an_editor_issues_a_key_shown_once_and_stored_hashed(editor_client, reporter_client):
    add = reverse("admin:articles_agencytoken_add")
    assert reporter_client.get(add).status_code == 403
    response = editor_client.post(add, {"name": "Wire feed", "source": "Agency"},
                                  follow=True)
    text = response.content.decode()
    token = AgencyToken.objects.get()
    key = text.split("is nra_", 1)[1].split(" ", 1)[0]
    assert AgencyToken.objects.for_key("nra_" + key) == token
    assert key not in token.key_hash
