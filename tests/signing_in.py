"""Signing test users in as the site requires: past the second step where it applies."""

import time

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.accounts import two_factor


def make_authenticator(user):
    """A confirmed authenticator app for the user, as if they had set it up."""
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def app_code(device, steps_ahead=0):
    """The code the user's app shows now (or a later step's, to use a device twice)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def sign_in(client, user):
    """Log the test client in; past the second step when the user has or needs it,
    the way django-otp marks a session that passed it."""
    client.force_login(user)
    device = two_factor.authenticator_of(user)
    if device is None and not two_factor.must_use_two_factor(user):
        return client
    device = device or make_authenticator(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def sign_in_with_browser(page, live_server, user, password):
    """The real sign-in form, then the real second step with the code the app shows."""
    device = two_factor.authenticator_of(user)
    if device is None and two_factor.must_use_two_factor(user):
        device = make_authenticator(user)  # set up before, as the user would have
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", user.get_username())
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    if device is not None:
        page.wait_for_selector("#verify-form")
        page.fill("#id_code", app_code(device))
        page.click("#verify-form input[type=submit]")
    page.wait_for_selector("#content")
    return page


def signed_in_page(browser, live_server, user, *, width=1280, javascript=True,
                   password="correct horse battery"):
    """A new browser context at this width, signed in as `user` (the factories'
    password), on the admin's front page."""
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  java_script_enabled=javascript)
    return sign_in_with_browser(context.new_page(), live_server, user, password)
