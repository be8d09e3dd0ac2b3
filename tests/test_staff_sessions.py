"""Staff sessions: the idle timeout, logging out other sessions, password changes."""

from datetime import timedelta
from importlib import import_module

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.accounts import sessions
from tests.factories import make_article, make_reporter
from tests.signing_in import make_authenticator, sign_in

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:articles_article_changelist")
LOGIN_URL = reverse("admin:login")


def session_exists(key):
    store = import_module(django_settings.SESSION_ENGINE).SessionStore
    return Session.objects.filter(session_key=key).exists() or \
        cache.get(store.cache_key_prefix + key) is not None


def test_an_idle_staff_session_ends_and_the_login_page_says_why(editor):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client = sign_in(Client(), editor)
        assert client.get(LIST_URL).status_code == 200
        traveller.move_to(start + timedelta(hours=8, minutes=1))

        response = client.get(LIST_URL)
        assert response.status_code == 302
        assert response["Location"] == f"{LOGIN_URL}?next=%2Fadmin%2Farticles%2Farticle%2F"
        page = client.get(response["Location"]).content.decode()
        assert "You were signed out after 8\xa0hours without activity" in page
        assert client.get(LIST_URL)["Location"].startswith(LOGIN_URL)


def test_working_keeps_the_session_alive(editor):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client = sign_in(Client(), editor)
        for hours in (7, 14, 21):
            traveller.move_to(start + timedelta(hours=hours))
            assert client.get(LIST_URL).status_code == 200


def test_the_idle_timeout_is_a_setting(editor, settings):
    settings.NEWSROOM_STAFF_IDLE_SECONDS = 600
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client = sign_in(Client(), editor)
        traveller.move_to(start + timedelta(minutes=11))
        assert client.get(LIST_URL).status_code == 302


def test_the_idle_clock_is_written_at_most_once_a_minute(editor):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client = sign_in(Client(), editor)
        first = client.session[sessions.LAST_SEEN]
        traveller.move_to(start + timedelta(seconds=30))
        client.get(LIST_URL)
        assert client.session[sessions.LAST_SEEN] == first
        traveller.move_to(start + timedelta(seconds=90))
        client.get(LIST_URL)
        assert client.session[sessions.LAST_SEEN] == first + 90


def test_an_open_form_saying_it_is_open_does_not_keep_the_session_alive(editor):
    """The article form's presence heartbeat is no sign of a person at the keyboard."""
    article = make_article()
    presence = reverse("admin:articles_article_presence", args=[article.pk])
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client = sign_in(Client(), editor)
        for hours in (3, 6):
            traveller.move_to(start + timedelta(hours=hours))
            assert client.post(presence).status_code == 200
        traveller.move_to(start + timedelta(hours=8, minutes=1))
        assert client.post(presence)["Location"].startswith(LOGIN_URL)


def test_public_pages_do_not_move_the_idle_clock_or_touch_the_session(editor):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client = sign_in(Client(), editor)
        first = client.session[sessions.LAST_SEEN]
        traveller.move_to(start + timedelta(minutes=5))
        response = client.get(reverse("articles:home"))
        assert response.status_code == 200
        assert django_settings.SESSION_COOKIE_NAME not in response.cookies  # the session untouched
        assert client.session[sessions.LAST_SEEN] == first


def test_log_out_my_other_sessions_ends_them_and_keeps_this_one(editor):
    here, laptop, phone = (sign_in(Client(), editor) for _ in range(3))
    reporter_elsewhere = sign_in(Client(), make_reporter())
    laptop_key = laptop.session.session_key

    page = here.get(reverse("admin:account")).content.decode()
    assert "also signed in on 2 other browsers" in page
    response = here.post(reverse("admin:account-end-other-sessions"), follow=True)

    assert "Signed out 2 other sessions." in response.content.decode()
    assert not session_exists(laptop_key)
    for other in (laptop, phone):
        assert other.get(LIST_URL)["Location"].startswith(LOGIN_URL)
    assert here.get(LIST_URL).status_code == 200
    assert reporter_elsewhere.get(LIST_URL).status_code == 200


def test_changing_the_password_ends_the_other_sessions(editor):
    """Django's session auth hash: the other sessions no longer match the password."""
    here, elsewhere = sign_in(Client(), editor), sign_in(Client(), editor)
    response = here.post(reverse("admin:password_change"), {
        "old_password": "correct horse battery",
        "new_password1": "a new and longer passphrase",
        "new_password2": "a new and longer passphrase",
    })
    assert response.status_code == 302
    assert elsewhere.get(LIST_URL)["Location"].startswith(LOGIN_URL)
    assert here.get(LIST_URL).status_code == 200


def test_account_page_shows_two_factor_sessions_and_password(editor):
    make_authenticator(editor)
    client = sign_in(Client(), editor)
    page = client.get(reverse("admin:account")).content.decode()
    assert "<strong>On.</strong>" in page
    assert "Make new backup codes" in page and "Move to a new phone" in page
    assert "Log out my other sessions" in page
    assert reverse("admin:password_change") in page
    assert reverse("admin:account-staff") in page  # editors manage colleagues from here
    assert "A session ends after 8\xa0hours without activity" in page


def test_a_reporter_without_two_factor_is_offered_to_set_it_up(reporter_client):
    page = reporter_client.get(reverse("admin:account")).content.decode()
    assert "<strong>Off.</strong>" in page
    assert "Set up two-factor authentication" in page
    assert reverse("admin:account-staff") not in page


def test_new_backup_codes_replace_the_old_ones(editor_client, editor):
    from articles.accounts import two_factor

    old = two_factor.replace_backup_codes(user=editor)
    response = editor_client.post(reverse("admin:account-new-backup-codes"), follow=True)
    page = response.content.decode()
    assert page.count("<li>") >= 10
    assert not any(code in page for code in old)
    assert two_factor.backup_codes_left(editor) == 10


# Cookie headers as curl sends them: Python's cookie parser turns the escape \000 in a
# quoted value into a NUL character, which PostgreSQL refuses in a query.
FORGED_SESSION_COOKIES = [
    'sessionid="\\000aaaaaaaaaaaaaaaaaaaaaa"',
    'sessionid="aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\\000"',
    "sessionid=aaaaaaaa\\000",
    "sessionid=" + "A" * 32,  # Django makes keys of lower-case letters and digits
    "sessionid=" + "a" * 31,
    "sessionid=" + "a" * 33,
    'sessionid="aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\\351"',
]
PAGES_READING_THE_SESSION = ["/", "/preview/{pk}/", "/csp-report/", "/admin/", "/admin/login/"]


@pytest.mark.parametrize("cookie", FORGED_SESSION_COOKIES)
@pytest.mark.parametrize("path", PAGES_READING_THE_SESSION)
def test_a_session_cookie_django_did_not_make_is_no_session(cookie, path):
    """A session id of any other shape (a NUL gave a 500 on every page on PostgreSQL) is
    looked up nowhere: the page answers as it does to a browser without the cookie."""
    path = path.format(pk=make_article("Talks in Delhi", status="draft").pk)
    expected = Client().get(path).status_code
    cache.clear()

    with CaptureQueriesContext(connection) as queries:
        response = Client(HTTP_COOKIE=cookie).get(path)

    assert response.status_code == expected
    assert not [query["sql"] for query in queries if "django_session" in query["sql"]]


@pytest.mark.parametrize("cookie", [
    'csrftoken="\\000abc"', 'newsroom_staff="\\000"', 'messages="\\000"',
])
@pytest.mark.parametrize("path", PAGES_READING_THE_SESSION)
def test_a_nul_in_the_other_cookies_reaches_no_query(cookie, path):
    path = path.format(pk=make_article("Talks in Delhi", status="draft").pk)
    expected = Client().get(path).status_code
    cache.clear()
    assert Client(HTTP_COOKIE=cookie).get(path).status_code == expected


def test_the_session_keys_django_makes_still_sign_in(editor):
    """The store knows its own keys: a signed-in session still reaches the admin."""
    client = sign_in(Client(), editor)
    key = client.session.session_key
    assert len(key) == 32
    assert client.get(LIST_URL).status_code == 200
