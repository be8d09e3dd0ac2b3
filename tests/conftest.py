import pytest
from django.core.cache import cache

from tests.factories import make_editor, make_reporter


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache, so cached pages never leak between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def editor(db):
    return make_editor()


@pytest.fixture
def reporter(db):
    return make_reporter()


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def reporter_client(client, reporter):
    client.force_login(reporter)
    return client
