"""The visibility rule: public means published with a publication time that has come."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from articles.editorial import services
from articles.models import Article
from tests.factories import make_article

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.mark.django_db
@time_machine.travel(NOON, tick=False)
def test_only_published_articles_whose_time_has_come_are_public():
    live = make_article("Live", published_at=NOON - timedelta(minutes=1))
    make_article("Scheduled", published_at=NOON + timedelta(minutes=1))
    make_article("Draft", status=Article.Status.DRAFT)
    make_article("Review", status=Article.Status.REVIEW)
    make_article("Withdrawn", status=Article.Status.WITHDRAWN, published_at=NOON)
    assert list(Article.objects.published()) == [live]


@pytest.mark.django_db
def test_scheduled_article_becomes_public_when_its_time_comes():
    with time_machine.travel(NOON, tick=False):
        article = make_article(published_at=NOON + timedelta(hours=1))
        assert article.is_scheduled and not Article.objects.published().exists()
    with time_machine.travel(NOON + timedelta(hours=1), tick=False):
        assert list(Article.objects.published()) == [article]


@pytest.mark.django_db
@time_machine.travel(NOON, tick=False)
def test_publish_service_defaults_to_now_and_schedules_future_times(editor):
    now_story = make_article(status=Article.Status.REVIEW)
    services.article_publish(article=now_story, by=editor)
    assert now_story.published_at == NOON
    later = make_article(status=Article.Status.REVIEW)
    services.article_publish(article=later, by=editor, at=NOON + timedelta(hours=3))
    assert later.is_scheduled


@pytest.mark.django_db
def test_workflow_refuses_impossible_transitions(editor, reporter):
    published = make_article()
    with pytest.raises(PermissionDenied):
        services.article_submit(article=published, by=editor)  # published -> review
    draft = make_article(status=Article.Status.DRAFT, created_by=reporter)
    with pytest.raises(PermissionDenied):
        services.article_publish(article=draft, by=reporter)
    services.article_submit(article=draft, by=reporter)
    assert draft.status == Article.Status.REVIEW


@pytest.mark.django_db
def test_republishing_a_withdrawn_story_keeps_its_address(editor):
    """Readers' links and search engines' copies keep working after a withdraw-republish."""
    article = make_article(published_at=timezone.now() - timedelta(days=30))
    url = article.get_absolute_url()
    services.article_withdraw(article=article, by=editor)
    services.article_publish(article=article, by=editor)
    article.refresh_from_db()
    assert article.get_absolute_url() == url
    assert article.is_public
