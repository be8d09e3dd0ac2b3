import pytest
from django.core.cache import cache

from tests.factories import make_editor, make_reporter


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache, so cached pages never leak between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests flush the database; give each one the ISO countries and roles."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    from django.contrib.auth.models import Group, Permission

    from articles.countries import install_countries
    from articles.models import Country
    from articles.roles import install_roles

    install_countries(Country)
    install_roles(Group, Permission)


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
