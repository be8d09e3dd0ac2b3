"""The archive-scale queries can use their indexes (PostgreSQL; plans read with
sequential scans discouraged, since a test database is too small to need them)."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory

from articles.models import Article

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's indexes"),
]


def plan_of(queryset):
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            return queryset.explain()
        finally:
            cursor.execute("SET enable_seqscan = on")


def test_admin_search_box_uses_the_trigram_indexes(editor):
    model_admin = admin.site._registry[Article]
    request = RequestFactory().get("/admin/articles/article/", {"q": "pipeline"})
    request.user = editor
    found, _duplicates = model_admin.get_search_results(
        request, Article.objects.all(), "pipeline"
    )
    plan = plan_of(found.order_by())
    for column in ("headline", "standfirst", "source", "slug"):
        assert f"article_{column}_trgm" in plan, plan


def test_admin_list_order_uses_the_newest_first_index():
    plan = plan_of(Article.objects.order_by("-published_at", "-id")[:100])
    assert "article_newest_idx" in plan, plan
