"""Signing in in a real browser: setting up two-factor at the first sign-in, a lockout."""

from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from articles.accounts import two_factor
from tests.factories import make_editor

PASSWORD = "correct horse battery"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editor_sets_up_two_factor_at_first_sign_in_and_gets_to_the_desk(
    browser, live_server, screenshot_dir
):
    """Priya signs in for the first time: she scans (here: types) the key into her app,
    confirms with its code, sees her ten backup codes once, and reaches the desk."""
    editor = make_editor()
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")

    page.wait_for_selector("#setup-form")
    assert page.locator(".nr-qr svg").is_visible()
    page.screenshot(path=str(screenshot_dir / "admin-two-factor-setup.png"), full_page=True)
    key = b32decode(page.inner_text("#totp-secret").replace(" ", ""))
    page.fill("#id_code", f"{TOTP(key).token():06d}")  # what her app shows
    page.click("#setup-form input[type=submit]")

    codes = page.locator("#backup-codes li")
    codes.first.wait_for()
    assert codes.count() == 10
    page.screenshot(path=str(screenshot_dir / "admin-backup-codes.png"), full_page=True)
    page.get_by_role("link", name="I have stored them: continue").click()
    page.wait_for_selector(".desk")
    assert two_factor.has_authenticator(editor)
    assert two_factor.backup_codes_left(editor) == 10


def test_phone_width_lockout_page_is_readable(browser, live_server, screenshot_dir):
    """The lockout page on a phone: the message, the time, who can unlock."""
    make_editor()
    page = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    for _ in range(5):
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", "priya")
        page.fill("#id_password", "wrong password")
        page.click("input[type=submit]")
    assert page.locator(".errornote", has_text="Too many failed sign-ins").is_visible()
    assert page.get_by_text("Any editor can unlock you now").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    page.screenshot(path=str(screenshot_dir / "admin-lockout-phone.png"), full_page=True)
