"""Queries compiled once (articles.platform.compiled) give what the ORM gives, for any
id and moment they are run with."""

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models.expressions import RawSQL
from django.utils import timezone

from articles.models import Article
from articles.platform.compiled import STAND_IN_ID, STAND_IN_MOMENT, Compiled
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def headline_if_public(pk, moment):
    return Article.objects.published(now=moment).filter(pk=pk).values_list("headline")


def test_a_compiled_query_gives_what_the_orm_gives_for_each_id_and_moment():
    now = timezone.now()
    early = make_article("Early", published_at=now - timedelta(days=2))
    late = make_article("Late", published_at=now - timedelta(hours=1))
    draft = make_article("Draft", status=Article.Status.DRAFT)
    query = Compiled.of(headline_if_public(STAND_IN_ID, STAND_IN_MOMENT), "default")
    for article in (early, late, draft):
        for moment in (now, now - timedelta(days=1), now - timedelta(days=3)):
            assert query.rows(pk=article.pk, moment=moment) == list(
                headline_if_public(article.pk, moment))
    assert query.rows(pk=late.pk, moment=now) == [("Late",)]
    assert query.rows(pk=late.pk, moment=now - timedelta(days=1)) == []


def test_a_stand_in_written_into_the_sql_is_refused():
    """A value the ORM puts into the text itself could not be replaced: it would be run
    with the stand-in every time."""
    inlined = Article.objects.annotate(n=RawSQL(str(STAND_IN_ID), [])).values_list("n")
    with pytest.raises(ImproperlyConfigured):
        Compiled.of(inlined, "default")
