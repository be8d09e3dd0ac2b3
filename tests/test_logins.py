"""Login lockouts (django-axes): per account, per address, shown to and cleared by editors."""

import logging
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.auth import SESSION_KEY
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from articles.accounts.logins import client_ip
from tests.factories import make_reporter, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
LOGIN_URL = reverse("admin:login")
ATTEMPTS_URL = reverse("admin:axes_accessattempt_changelist")


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    # Each refused password is hashed; at full strength this file would take a minute.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def sign_in(client, username, password, address="203.0.113.5", **headers):
    return client.post(LOGIN_URL, {"username": username, "password": password,
                                   "next": reverse("admin:index")},
                       REMOTE_ADDR=address, **headers)


def signed_in(client):
    return SESSION_KEY in client.session


def lock_out(username, address="203.0.113.5"):
    client = Client()
    for _ in range(5):
        sign_in(client, username, "wrong password", address)
    return client


def test_fifty_wrong_passwords_are_refused_and_lock_the_account_after_the_limit(client):
    """Today's attack: 50 wrong passwords in a row. From the fifth on, the answer is the
    lockout page (429), and while locked even the right password is refused."""
    make_user("priya")
    statuses = [sign_in(client, "priya", f"guess {n}").status_code for n in range(50)]

    assert statuses[:4] == [200] * 4  # the login form again, with its error
    assert statuses[4:] == [429] * 46
    response = sign_in(client, "priya", PASSWORD)
    assert response.status_code == 429
    assert not signed_in(client)
    # Tries made while locked out are refused before any password is checked.
    assert AccessFailureLog.objects.filter(username="priya").count() == 5


def test_another_account_from_another_address_is_unaffected():
    make_user("priya")
    arun = make_reporter()
    lock_out("priya", "203.0.113.5")

    other = Client()
    response = sign_in(other, arun.username, PASSWORD, "198.51.100.7")
    assert response.status_code == 302 and signed_in(other)


def test_a_colleague_in_the_same_office_can_still_sign_in():
    """One forgetful person must not lock out everyone behind the office's address."""
    make_user("priya")
    arun = make_reporter()
    lock_out("priya", "203.0.113.5")

    colleague = Client()
    assert sign_in(colleague, arun.username, PASSWORD, "203.0.113.5").status_code == 302


def test_an_address_is_locked_after_its_own_higher_limit():
    """Guessing across many accounts from one address stops at the address limit."""
    arun = make_reporter()
    attacker = Client()
    for n in range(20):
        assert sign_in(attacker, f"user{n}", "guess", "192.0.2.66").status_code in (200, 429)
    assert sign_in(attacker, arun.username, PASSWORD, "192.0.2.66").status_code == 429
    assert sign_in(Client(), arun.username, PASSWORD, "198.51.100.7").status_code == 302


def test_an_attacker_elsewhere_cannot_keep_a_colleague_out():
    """Five wrong passwords every 16 minutes from one address, for an hour: the
    colleague signs in from the office each time (an account-wide lock kept them out)."""
    make_user("priya")
    start = timezone.now()
    for cycle in range(4):
        with time_machine.travel(start + timedelta(minutes=16 * cycle), tick=False):
            lock_out("priya", "198.51.100.7")
            colleague = Client()
            assert sign_in(colleague, "priya", PASSWORD, "203.0.113.5").status_code == 302
            assert signed_in(colleague)


def test_failures_lock_the_account_from_that_address_only():
    make_user("priya")
    lock_out("priya", "198.51.100.7")

    there = Client()
    assert sign_in(there, "priya", PASSWORD, "198.51.100.7").status_code == 429
    assert not signed_in(there)
    assert sign_in(Client(), "priya", PASSWORD, "203.0.113.5").status_code == 302
    assert sign_in(Client(), "priya", PASSWORD, "2001:db8::1").status_code == 302


def test_signing_in_between_guesses_does_not_restart_the_address_count():
    """Someone with an account of their own cannot sign in between guesses to start the
    address's count again: a success clears only that account's failures from there."""
    arun = make_reporter()
    attacker = Client()
    for n in range(16):
        sign_in(attacker, f"user{n % 4}", "guess", "192.0.2.66")
    assert sign_in(Client(), arun.username, PASSWORD, "192.0.2.66").status_code == 302
    for _ in range(4):
        sign_in(attacker, "priya", "guess", "192.0.2.66")
    assert sign_in(Client(), arun.username, PASSWORD, "192.0.2.66").status_code == 429


def test_lockout_page_says_what_happened_when_to_try_again_and_who_can_unlock(client):
    make_user("priya")
    lock_out("priya")
    response = sign_in(client, "priya", PASSWORD)

    page = response.content.decode()
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 15 * 60
    assert "no-store" in response["Cache-Control"]
    assert "Too many failed sign-ins for the account “priya” from your network." in page
    ends_at = timezone.localtime(AccessAttempt.objects.get().attempt_time + timedelta(minutes=15))
    assert f"paused until <strong>{ends_at:%H:%M}</strong>" in page
    assert "Any editor can unlock you now" in page
    assert 'id="site-name"' in page  # the admin's look


def test_the_lockout_ends_after_the_cool_off(client):
    make_user("priya")
    lock_out("priya")
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert sign_in(client, "priya", PASSWORD).status_code == 302


def test_a_forged_forwarded_for_header_does_not_change_the_address(client):
    """Without trusted proxies, a client cannot dodge the address limit by a header."""
    make_user("priya")
    for n in range(5):
        sign_in(client, "someone", "guess", "192.0.2.66", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"192.0.2.66"}


@pytest.mark.parametrize(("count", "forwarded", "expected"), [
    (0, "198.51.100.1", "192.0.2.10"),
    (1, "198.51.100.1", "198.51.100.1"),
    (1, "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the left entry is the client's own
    (2, "6.6.6.6, 198.51.100.1, 203.0.113.9", "198.51.100.1"),
    (3, "198.51.100.1", "198.51.100.1"),  # fewer hops than proxies: the first proxy's
    (1, "not an address", "192.0.2.10"),
    (1, "", "192.0.2.10"),
    (1, "2001:db8::1", "2001:db8::1"),
])
def test_client_address_trusts_forwarded_for_only_from_configured_proxies(
    settings, count, forwarded, expected
):
    settings.NEWSROOM_TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.10",
                                   HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_every_login_is_logged_and_recorded_with_who_where_and_outcome(client, caplog):
    make_user("priya")
    with caplog.at_level(logging.INFO, logger="newsroom.security"):
        sign_in(client, "priya", "wrong password")
        sign_in(client, "priya\nforged line", "wrong password")
        sign_in(client, "priya", PASSWORD)
        lock_out("mallory")
        sign_in(Client(), "mallory", "again")

    lines = [record.getMessage() for record in caplog.records
             if record.name == "newsroom.security"]
    assert "login failed user='priya' address=203.0.113.5" in lines
    assert "login failed user='priya\\nforged line' address=203.0.113.5" in lines
    assert "login succeeded user='priya' address=203.0.113.5" in lines
    assert "login locked out user='mallory' address=203.0.113.5" in lines
    assert AccessLog.objects.filter(username="priya", ip_address="203.0.113.5").count() == 1
    assert AccessFailureLog.objects.filter(username="priya").count() == 1


def test_editor_sees_lockouts_and_unlocks_a_colleague(editor_client):
    arun = make_reporter()
    lock_out(arun.username)

    listing = editor_client.get(ATTEMPTS_URL, {"locked": "yes"})
    assert listing.status_code == 200
    assert "arun" in listing.content.decode()
    assert "Account locked from this address until" in listing.content.decode()
    staff = editor_client.get(reverse("admin:account-staff")).content.decode()
    assert "Locked out from 1 address<" in staff

    attempts = list(AccessAttempt.objects.filter(username="arun").values_list("pk", flat=True))
    response = editor_client.post(ATTEMPTS_URL, {
        "action": "delete_selected", "_selected_action": attempts, "post": "yes",
    })
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="arun").exists()
    assert LogEntry.objects.filter(action_flag=DELETION,
                                   content_type__app_label="axes").count() == len(attempts)
    assert sign_in(Client(), "arun", PASSWORD).status_code == 302


def test_reporter_can_neither_see_nor_clear_lockouts(reporter_client):
    make_user("priya")
    lock_out("priya")
    attempts = list(AccessAttempt.objects.values_list("pk", flat=True))

    assert reporter_client.get(ATTEMPTS_URL).status_code == 403
    response = reporter_client.post(ATTEMPTS_URL, {
        "action": "delete_selected", "_selected_action": attempts, "post": "yes",
    })
    assert response.status_code == 403
    delete_url = reverse("admin:axes_accessattempt_delete", args=[attempts[0]])
    assert reporter_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert AccessAttempt.objects.count() == len(attempts)


@pytest.mark.parametrize("header", ["HTTP_USER_AGENT", "HTTP_ACCEPT"])
def test_a_nul_byte_in_a_header_is_recorded_without_a_server_error(client, header):
    """PostgreSQL refuses NUL in text: the attempt is still recorded, never a 500."""
    make_user("priya")
    assert sign_in(client, "priya", "wrong", **{header: "Mozilla\x00/5.0"}).status_code == 200
    assert sign_in(client, "priya", PASSWORD, **{header: "Mozilla\x00/5.0"}).status_code == 302
    assert AccessFailureLog.objects.filter(username="priya").count() == 1


@pytest.mark.parametrize("username", ["x" * 300, "é" * 256, "priya" + " " * 251 + "x"])
def test_a_username_longer_than_its_column_gets_the_form_error_and_is_recorded_cut(
    client, caplog, username
):
    """A hand-made POST (the form's field stops at 150 characters in a browser) was a 500
    on PostgreSQL, when axes stored the failure. It is refused like any wrong name, and
    recorded and logged with the name cut to what the column holds."""
    with caplog.at_level(logging.INFO, logger="newsroom.security"):
        response = sign_in(client, username, "guess")

    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.content.decode()
    recorded = AccessAttempt.objects.get().username
    assert recorded == username[:255]
    assert AccessFailureLog.objects.get().username == recorded
    assert f"login failed user={recorded!r} address=203.0.113.5" in caplog.messages


def test_long_usernames_still_count_towards_the_address_limit():
    attacker = Client()
    for n in range(20):
        sign_in(attacker, f"{n:03d}" + "x" * 300, "guess", "192.0.2.66")
    arun = make_reporter()
    assert sign_in(attacker, arun.username, PASSWORD, "192.0.2.66").status_code == 429


def test_a_username_that_is_not_utf8_gets_the_form_error(client):
    response = client.post(LOGIN_URL, b"username=%ED%A0%80%FF&password=guess",
                           content_type="application/x-www-form-urlencoded",
                           REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.content.decode()


def test_lockout_list_tells_an_account_locked_from_one_address_from_a_locked_address(
    editor_client,
):
    make_user("meera")
    lock_out("meera", "198.51.100.7")
    for n in range(20):
        sign_in(Client(), f"user{n}", "guess", "192.0.2.66")
    sign_in(Client(), "meera", "guess", "203.0.113.5")

    page = editor_client.get(ATTEMPTS_URL, {"locked": "yes"}).content.decode()
    assert page.count("Account locked from this address until") == 1
    assert page.count("Address locked until") == 20
    assert "203.0.113.5" not in page  # one failure there locks nothing
    staff = editor_client.get(reverse("admin:account-staff")).content.decode()
    assert "Locked out from 1 address<" in staff
