"""Two-factor authentication: required by role, an app code or a backup code, resets."""

import logging
import re
from base64 import b32decode

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.accounts import two_factor
from articles.models import Article
from tests.admin_forms import article_post_data
from tests.factories import make_article, make_editor, make_reporter, make_user
from tests.signing_in import app_code, make_authenticator, sign_in

pytestmark = pytest.mark.django_db

VERIFY_URL = reverse("admin:account-verify")
SETUP_URL = reverse("admin:account-setup")
LIST_URL = reverse("admin:articles_article_changelist")


def password_only(user):
    """A client past the password only, as after the admin's login form."""
    client = Client()
    client.force_login(user)
    return client


def enter_code(client, code, next_url=None):
    return client.post(VERIFY_URL, {"code": code, "next": next_url or reverse("admin:index")})


def admin_pages(article):
    change = reverse("admin:articles_article_change", args=[article.pk])
    return [
        reverse("admin:index"), LIST_URL, change,
        reverse("admin:articles_article_history", args=[article.pk]),
        reverse("admin:autocomplete") + "?app_label=articles&model_name=article"
                                        "&field_name=countries&term=ind",
        reverse("admin:password_change"), reverse("admin:account"),
        reverse("articles:article-preview", args=[article.pk]),
    ]


def test_editor_past_the_password_only_reaches_no_staff_page():
    """With REQUIRE_2FA_FOR=Editor (the default), the password alone opens nothing:
    each page sends the editor to the second step, keeping where they were going."""
    editor = make_editor()
    make_authenticator(editor)
    client = password_only(editor)
    for url in admin_pages(make_article(status=Article.Status.DRAFT)):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(VERIFY_URL + "?next="), url


def test_a_hand_made_post_before_the_second_step_saves_nothing():
    editor = make_editor()
    make_authenticator(editor)
    article = make_article(status=Article.Status.REVIEW, headline="Before")
    client = password_only(editor)

    data = article_post_data(article, headline="Changed without a code", workflow="publish")
    response = client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY_URL)
    article.refresh_from_db()
    assert article.headline == "Before" and article.status == Article.Status.REVIEW
    response = client.post(LIST_URL, {"action": "publish_now", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW


def test_editor_without_an_authenticator_is_taken_to_set_up():
    client = password_only(make_editor())
    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP_URL}?next=%2Fadmin%2Farticles%2Farticle%2F"


def test_the_right_app_code_opens_the_admin_and_a_wrong_one_is_refused(caplog):
    editor = make_editor()
    device = make_authenticator(editor)
    client = password_only(editor)
    wrong = "000000" if app_code(device) != "000000" else "111111"

    with caplog.at_level(logging.INFO, logger="newsroom.security"):
        refused = enter_code(client, wrong)
    assert refused.status_code == 200
    assert "That code is not right" in refused.content.decode()
    assert client.get(LIST_URL).status_code == 302
    assert "two-factor code refused user='priya'" in caplog.text

    device.throttle_reset()  # a person would wait the second the throttle asks for
    accepted = enter_code(client, app_code(device), next_url=LIST_URL)
    assert accepted.status_code == 302 and accepted["Location"] == LIST_URL
    assert client.get(LIST_URL).status_code == 200


def test_repeated_wrong_codes_are_slowed_down():
    editor = make_editor()
    device = make_authenticator(editor)
    client = password_only(editor)
    enter_code(client, "000001")
    enter_code(client, "000002")
    response = enter_code(client, app_code(device))
    assert "Too many wrong codes. Try again after" in response.content.decode()
    assert client.get(LIST_URL).status_code == 302


@pytest.mark.parametrize("typed", ["", "abc", "12345", "1234567", "\x00\x01", "١٢٣٤٥٦",
                                   "x" * 200, "12 34 5\u202e6"])
def test_malformed_codes_get_a_clear_error_and_change_nothing(typed):
    editor = make_editor()
    device = make_authenticator(editor)
    client = password_only(editor)
    response = enter_code(client, typed)
    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 0  # never reached the device


def test_a_backup_code_works_once(caplog):
    editor = make_editor()
    make_authenticator(editor)
    codes = two_factor.replace_backup_codes(user=editor)

    first = password_only(editor)
    with caplog.at_level(logging.INFO, logger="newsroom.security"):
        response = enter_code(first, codes[0].upper()[:4] + " " + codes[0][4:])
    assert response.status_code == 302
    assert first.get(LIST_URL).status_code == 200
    assert "method=backup code" in caplog.text
    assert two_factor.backup_codes_left(editor) == 9

    again = password_only(editor)
    refused = enter_code(again, codes[0])
    assert refused.status_code == 200 and "That code is not right" in refused.content.decode()
    assert again.get(LIST_URL).status_code == 302


def test_set_up_shows_the_secret_as_text_and_qr_then_ten_backup_codes_once():
    editor = make_editor()
    client = password_only(editor)

    page = client.get(f"{SETUP_URL}?next={LIST_URL}").content.decode()
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1)
    assert b32decode(secret.replace(" ", "")) == device.bin_key
    assert "<svg" in page and "<script" not in page.split("</head>")[1]
    assert " style=" not in page and "<style" not in page
    assert client.get(SETUP_URL).content.decode().count(secret) == 1  # same secret on reload

    wrong = client.post(SETUP_URL, {"code": "12345a", "next": LIST_URL})
    assert wrong.status_code == 200 and "errornote" in wrong.content.decode()

    confirmed = client.post(SETUP_URL, {"code": app_code(device), "next": LIST_URL})
    assert confirmed.status_code == 302
    assert confirmed["Location"].startswith(reverse("admin:account-backup-codes"))
    shown = client.get(confirmed["Location"]).content.decode()
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", shown)
    assert len(codes) == 10
    assert set(StaticToken.objects.filter(device__user=editor).values_list("token", flat=True)) \
        == set(codes)
    assert "Store them now" in shown
    assert not re.findall(r"<li>([a-z2-7]{8})</li>",
                          client.get(confirmed["Location"]).content.decode())
    assert client.get(LIST_URL).status_code == 200


def test_set_up_cannot_replace_an_authenticator_before_the_second_step():
    """Someone with only the password must not swap in their own phone."""
    editor = make_editor()
    make_authenticator(editor)
    client = password_only(editor)
    response = client.get(SETUP_URL)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY_URL)
    assert not TOTPDevice.objects.filter(user=editor, confirmed=False).exists()


def test_a_lost_phone_is_recovered_with_a_backup_code_and_a_new_phone_set_up():
    editor = make_editor()
    old = make_authenticator(editor)
    codes = two_factor.replace_backup_codes(user=editor)
    client = password_only(editor)
    assert enter_code(client, codes[3]).status_code == 302

    client.get(SETUP_URL)
    new = TOTPDevice.objects.get(user=editor, confirmed=False)
    assert client.post(SETUP_URL, {"code": app_code(new)}).status_code == 302
    assert list(TOTPDevice.objects.filter(user=editor)) == [new]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()


def test_reset_by_an_editor_is_recorded_and_forces_set_up_at_next_sign_in(editor_client, caplog):
    colleague = make_editor("colleague")
    make_authenticator(colleague)
    two_factor.replace_backup_codes(user=colleague)
    colleague_browser = sign_in(Client(), colleague)
    assert colleague_browser.get(LIST_URL).status_code == 200
    url = reverse("admin:account-reset-two-factor", args=[colleague.pk])

    assert "Reset two-factor" in editor_client.get(url).content.decode()
    with caplog.at_level(logging.INFO, logger="newsroom.security"):
        response = editor_client.post(url)

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=colleague).exists()
    assert not StaticDevice.objects.filter(user=colleague).exists()
    entry = LogEntry.objects.get(object_id=str(colleague.pk), content_type__model="user")
    assert entry.action_flag == CHANGE and entry.user.username == "priya"
    assert "Reset two-factor" in entry.change_message
    assert "two-factor reset user='colleague' by='priya'" in caplog.text
    # Their open session ended; signed in again, they set up before anything else.
    assert colleague_browser.get(LIST_URL)["Location"].startswith(reverse("admin:login"))
    again = password_only(colleague)
    assert again.get(LIST_URL)["Location"].startswith(SETUP_URL)


def test_a_reporter_cannot_reset_anyone(reporter_client):
    colleague = make_editor("colleague")
    make_authenticator(colleague)
    url = reverse("admin:account-reset-two-factor", args=[colleague.pk])

    assert reporter_client.get(url).status_code == 403
    assert reporter_client.post(url).status_code == 403
    assert reporter_client.get(reverse("admin:account-staff")).status_code == 403
    assert TOTPDevice.objects.filter(user=colleague).exists()


def test_an_editor_cannot_reset_themselves_or_a_superuser(editor_client, editor):
    boss = make_user("boss", is_superuser=True)
    make_authenticator(boss)
    for target in (editor, boss):
        url = reverse("admin:account-reset-two-factor", args=[target.pk])
        assert editor_client.post(url).status_code == 403
        assert TOTPDevice.objects.filter(user=target).exists()


def test_staff_page_shows_who_has_two_factor_and_offers_resets(editor_client):
    colleague = make_editor("colleague")
    make_authenticator(colleague)
    make_editor("newcomer")
    make_reporter()
    page = editor_client.get(reverse("admin:account-staff")).content.decode()
    rows = {match.group(1): match.group(0)
            for match in re.finditer(r"<tr>\s*<td>[^<]*<span class=\"nr-quiet\">(\w+)</span>"
                                     r".*?</tr>", page, re.S)}

    assert "<td>On</td>" in rows["colleague"]
    assert reverse("admin:account-reset-two-factor", args=[colleague.pk]) in rows["colleague"]
    assert "Not set up yet (required)" in rows["newcomer"]
    assert "<td>Off</td>" in rows["arun"]
    assert "Reset two-factor" not in rows["priya"]  # not one's own, from here
    assert "Reset two-factor" not in rows["newcomer"] and "Reset" not in rows["arun"]


def test_with_an_empty_setting_the_demo_editor_needs_no_second_step(settings):
    settings.REQUIRE_2FA_FOR = []
    client = password_only(make_editor())
    assert client.get(LIST_URL).status_code == 200


def test_anyone_who_set_up_an_authenticator_must_use_it():
    reporter = make_reporter()
    make_authenticator(reporter)
    client = password_only(reporter)
    assert client.get(LIST_URL)["Location"].startswith(VERIFY_URL)


def test_a_superuser_must_use_two_factor_whenever_a_role_must(settings):
    boss = make_user("boss", is_superuser=True)
    assert password_only(boss).get(LIST_URL)["Location"].startswith(SETUP_URL)
    settings.REQUIRE_2FA_FOR = []
    assert password_only(boss).get(LIST_URL).status_code == 200


def test_the_step_sends_people_only_to_pages_of_this_site():
    editor = make_editor()
    device = make_authenticator(editor)
    client = password_only(editor)
    response = enter_code(client, app_code(device), next_url="https://evil.example/admin/")
    assert response["Location"] == reverse("admin:index")


def test_public_pages_are_untouched_by_the_second_step(client):
    """A signed-in editor who has not passed it still reads the public site as anyone."""
    editor = make_editor()
    client.force_login(editor)
    make_article("A public story")
    assert client.get(reverse("articles:home")).status_code == 200
    anonymous = Client().get(reverse("articles:home"))
    assert not anonymous.cookies
