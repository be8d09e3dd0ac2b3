"""Crafted addresses on the sign-in record lists: a clear message, never a 500.

Django's changelist passes any lookup on a column, with any value, to the query; on
PostgreSQL ``?ip_address=999.1.1.1`` (not an address) was a 500, and on both databases
``?username__range=x`` and the date links' ``?attempt_time__year=9999`` were.
CI runs this file on both databases.
"""

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.factories import make_reporter
from tests.test_logins import PASSWORD, lock_out, sign_in

pytestmark = pytest.mark.django_db

MODELS = [AccessAttempt, AccessLog, AccessFailureLog]
REFUSED = "so the list shows everything instead"


def list_url(model):
    return reverse(f"admin:axes_{model._meta.model_name}_changelist")


@pytest.fixture(autouse=True)
def _records(settings):
    """A failure, a lockout and a sign-in in each list; production's server errors."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    arun = make_reporter()
    lock_out("meera", "198.51.100.7")
    sign_in(Client(), arun.username, PASSWORD, "203.0.113.5")


@pytest.fixture
def editor_browser(editor_client):
    editor_client.raise_request_exception = False  # a server error is a 500, as in production
    return editor_client


def get(client, model, query):
    """The list for a query string; a refusal is followed to the page that says why."""
    response = client.get(list_url(model), query)
    if response.status_code == 302:
        assert response["Location"] == f"{list_url(model)}?e=1"
        response = client.get(response["Location"])
    return response


def test_an_address_that_is_not_one_shows_the_whole_list_and_says_why(editor_browser):
    sign_in(Client(), "meera", "guess", "192.0.2.1")
    response = get(editor_browser, AccessAttempt, {"ip_address": "999.1.1.1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert REFUSED in page
    assert "198.51.100.7" in page and "192.0.2.1" in page  # every row


@pytest.mark.parametrize("model", MODELS)
def test_a_columns_exact_value_still_filters_the_list(editor_browser, model):
    for query in ({"ip_address": "198.51.100.7"}, {"username": "meera"},
                  {"ip_address__exact": "198.51.100.7"}):
        response = editor_browser.get(list_url(model), query)
        page = response.content.decode()
        assert response.status_code == 200 and REFUSED not in page
        if model is AccessLog:
            assert "arun" not in page  # arun signed in from the other address
        else:
            assert "meera" in page


JUNK = ["999.1.1.1", "abc", "99999999999999999999", "-1", "9999-99-99", "x" * 300,
        "1.5", "::zz", ""]
LOOKUPS = ["__gte", "__lt", "__in", "__isnull", "__range", "__regex", "__year", "__month",
           "__date", "__startswith", "__contains", "__iexact", "__expiration"]


def refused_or_listed(client, model, query):
    response = get(client, model, query)
    assert response.status_code == 200, query
    return REFUSED in response.content.decode()


@pytest.mark.parametrize("model", MODELS)
def test_no_value_on_any_column_is_a_server_error(editor_browser, model):
    """Every column (and relation) with values of every type and out of every range:
    the list, filtered, or the whole list with the message. Never a 500."""
    names = [field.name for field in [*model._meta.concrete_fields,
                                      *model._meta.related_objects]]
    refused = [
        (name, value) for name in names for value in JUNK
        if refused_or_listed(editor_browser, model, {name: value})
    ]
    assert ("ip_address", "999.1.1.1") in refused and ("id", "abc") in refused
    assert ("attempt_time", "9999-99-99") in refused
    assert ("username", "abc") not in refused  # a name no one has: an empty list


@pytest.mark.parametrize("model", MODELS)
def test_no_lookup_but_a_columns_value_is_taken(editor_browser, model):
    """Comparisons, ranges, patterns, date parts, relations: each refused with the
    message, whatever its column and value (they were 500s with a value the query could
    not use)."""
    for name in ("id", "ip_address", "username", "attempt_time"):
        for lookup in LOOKUPS:
            for value in ("999.1.1.1", "2024"):
                assert refused_or_listed(editor_browser, model, {name + lookup: value})


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("query", [
    {"attempt_time__year": "9999"}, {"attempt_time__year": "2024", "attempt_time__month": "13"},
    {"attempt_time__gte": "abc"}, {"attempt_time__lt": "99999-01-01"}, {"p": "99999999999"},
    {"p": "abc"}, {"o": "99.-1.x"}, {"q": "999.1.1.1"}, {"locked": "zzz"}, {"zzz": "1"},
    {"e": "1", "ip_address": "999.1.1.1"}, {"e": "1", "zzz": "1"},
])
def test_the_lists_own_parameters_with_junk_are_no_server_error(editor_browser, model, query):
    response = get(editor_browser, model, query)
    assert response.status_code == 200
    assert "database installation" not in response.content.decode()


@pytest.mark.parametrize(("zone", "value"), [
    ("Asia/Kolkata", "0001-01-01"), ("Pacific/Kiritimati", "0001-01-01 00:00"),
    ("America/Los_Angeles", "9999-12-31 23:59:59"), ("Etc/GMT+12", "9999-12-31 12:00"),
])
@pytest.mark.parametrize("parameter", ["attempt_time", "attempt_time__gte",
                                       "attempt_time__lt", "logout_time__gte"])
def test_a_date_utc_cannot_hold_is_refused_with_the_message(
    editor_browser, settings, zone, value, parameter
):
    """Year 1 seen from east of UTC, or 9999 from west of it, does not exist in UTC: the
    query overflowed (a 500 on SQLite), through a column's value and the date filter."""
    settings.TIME_ZONE = zone
    assert refused_or_listed(editor_browser, AccessLog, {parameter: value})


@pytest.mark.parametrize("model", MODELS)
def test_a_nul_anywhere_in_the_address_is_refused(editor_browser, model):
    for query in ({"ip_address": "\x00"}, {"username\x00": "x"}, {"q": "\x00"}):
        response = editor_browser.get(list_url(model), query)
        assert response.status_code == 400
        assert "NUL character" in response.content.decode()


@pytest.mark.parametrize("model", MODELS)
def test_fuzzed_lookups_are_no_server_error(editor_browser, model):
    columns = [field.name for field in model._meta.concrete_fields]

    @hypothesis_settings(max_examples=40, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(column=st.sampled_from(columns), lookup=st.sampled_from(LOOKUPS),
           value=st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40))
    def check(column, lookup, value):
        assert get(editor_browser, model, {column + lookup: value}).status_code == 200

    check()
