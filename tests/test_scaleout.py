"""Two app servers on one PostgreSQL and one Redis: an edit is seen at once through both.

Only meaningful with a shared database and cache, so it runs in CI's PostgreSQL + Redis
pass and skips on SQLite or without REDIS_URL.
"""

import pytest

from articles.models import Article, Correction
from tests.factories import make_article
from tests.servers import Gunicorn, fetch, needs_shared_services

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def two_servers():
    needs_shared_services()
    servers = [Gunicorn(), Gunicorn()]
    try:
        yield [server.port for server in servers]
    finally:
        for server in servers:
            server.stop()


def test_an_edit_is_seen_at_once_through_both_servers(two_servers):
    """Pages are shared through Redis, and one write invalidates them for every server."""
    first, second = two_servers
    article = make_article("Envoys meet in Geneva", countries=["IN", "RU"])
    url = article.get_absolute_url()

    status, headers, body = fetch(first, url)
    assert status == 200 and "Envoys meet in Geneva" in body
    status, headers, body = fetch(second, url)
    assert headers["X-Page-Cache"] == "hit", "the second server serves the first's page"

    article.headline = "Envoys meet again in Geneva"
    article.save()
    for port in (first, second):
        status, headers, body = fetch(port, url)
        assert "Envoys meet again in Geneva" in body
    assert fetch(first, url)[1]["X-Page-Cache"] == "hit"

    Correction.objects.create(article=article, note="The talks were held on Tuesday.")
    assert "The talks were held on Tuesday." in fetch(second, url)[2]

    article.status = Article.Status.WITHDRAWN
    article.save()
    assert fetch(first, url)[0] == 410
    assert fetch(second, url)[0] == 410
