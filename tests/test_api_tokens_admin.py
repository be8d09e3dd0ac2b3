"""Editors issue read API tokens in the admin: the key is shown once and stored hashed."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import ApiToken, Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db

ADD = "admin:articles_apitoken_add"
KEY = re.compile(r"nr_[A-Za-z0-9_-]{20,}")


def test_an_editor_issues_a_token_for_a_reporter_and_sees_the_key_once(
        editor_client, reporter):
    draft = make_article("A reporter's draft", status=Article.Status.DRAFT, created_by=reporter)
    response = editor_client.post(reverse(ADD), {"user": reporter.pk, "name": "Newsletter"},
                                  follow=True)
    assert response.status_code == 200
    key = KEY.search(response.content.decode()).group()
    token = ApiToken.objects.get()
    assert (token.user, token.name) == (reporter, "Newsletter")
    assert key not in token.key_hash
    reader = Client().get(f"/api/v1/articles/{draft.pk}/",
                          headers={"Authorization": f"Bearer {key}"})
    assert reader.json()["headline"] == "A reporter's draft"
    page = editor_client.get(reverse("admin:articles_apitoken_change", args=[token.pk]))
    assert KEY.search(page.content.decode()) is None


def test_revoking_a_token_in_the_admin_shuts_it_out(editor_client, reporter):
    token, key = ApiToken.issue(user=reporter, name="Old tool", by=reporter)
    editor_client.post(reverse("admin:articles_apitoken_changelist"),
                       {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.is_revoked
    response = Client().get("/api/v1/articles/", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 401


def test_a_reporter_cannot_issue_tokens(reporter_client):
    assert reporter_client.get(reverse(ADD)).status_code == 403
