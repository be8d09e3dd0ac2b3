"""Two-factor authentication (django-otp): an authenticator app (TOTP) and backup codes.

Who must use it is set by role (settings.REQUIRE_2FA_FOR); anyone may. After the
password, a user with an authenticator enters a code from it (or a backup code, each
good once) before any staff page; a user whose role requires it and who has none sets
one up first. An editor can reset a colleague's devices; the colleague then sets up
again at the next sign-in.
"""

import logging
import re
from dataclasses import dataclass

import django_otp
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.accounts import sessions

security_log = logging.getLogger("newsroom.security")

BACKUP_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
BACKUP_CODES_NAME = "Backup codes"
APP_CODE = re.compile(r"[0-9]{6}")
BACKUP_CODE = re.compile(r"[a-z2-7]{8}")

VERIFY = "admin:account-verify"
SETUP = "admin:account-setup"
# Pages a signed-in user may open before the second step (the admin's own login and
# logout, and the step itself); every other staff page waits for it.
OPEN_BEFORE_VERIFICATION = frozenset({"admin:login", "admin:logout", VERIFY, SETUP})

RESET_PERMISSIONS = ("otp_totp.delete_totpdevice", "otp_static.delete_staticdevice")


def role_requires(group_names, is_superuser):
    """True when one of the roles must use it; a superuser holds every role's rights."""
    required = set(settings.REQUIRE_2FA_FOR)
    return bool(required) and (is_superuser or not required.isdisjoint(group_names))


def must_use_two_factor(user):
    if not settings.REQUIRE_2FA_FOR:
        return False  # the demo: no query
    return role_requires(user.groups.values_list("name", flat=True), user.is_superuser)


def authenticator_of(user):
    """The user's confirmed authenticator app, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def has_authenticator(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_step(user):
    """The step a signed-in user must take before staff pages: VERIFY, SETUP or None."""
    if user.is_verified():
        return None
    if has_authenticator(user):
        return VERIFY
    if must_use_two_factor(user):
        return SETUP
    return None


def normalise_code(text):
    """A code as typed (spaces, dashes, capitals) in the form it is stored."""
    return re.sub(r"[\s-]", "", text).lower()


def is_code(code):
    return bool(APP_CODE.fullmatch(code) or BACKUP_CODE.fullmatch(code))


@dataclass(frozen=True)
class CodeCheck:
    """The outcome of a code: the device that accepted it, or why none did."""

    device: object = None
    error: str = ""

    @property
    def used_backup_code(self):
        return isinstance(self.device, StaticDevice)


def check_code(*, user, code):
    """Check an app code or a backup code against the user's own devices.

    Each kind of code goes to its own device, so a mistyped app code does not slow
    down the backup codes (django-otp throttles each device after a wrong code).
    """
    if APP_CODE.fullmatch(code):
        device = authenticator_of(user)
    else:
        device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return CodeCheck(error="That code is not right. Check it and try again.")
    allowed, details = device.verify_is_allowed()
    if not allowed:
        return CodeCheck(error=throttled_message(details))
    accepted = django_otp.verify_token(user, device.persistent_id, code)
    if accepted is None:
        return CodeCheck(error="That code is not right. Check it and try again.")
    return CodeCheck(device=accepted)


def throttled_message(details):
    until = (details or {}).get("locked_until")
    if until is None:
        return "Too many wrong codes. Wait a moment and try again."
    return (f"Too many wrong codes. Try again after "
            f"{timezone.localtime(until):%H:%M:%S}.")


def mark_verified(request, device):
    """The session has passed the second step: a new session key, as after a password."""
    request.session.cycle_key()
    django_otp.login(request, device)


def enrolment_device(user):
    """The unconfirmed authenticator being set up (kept while the page is reloaded)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(
        user=user, name=AUTHENTICATOR_NAME, confirmed=False
    )


@transaction.atomic
def confirm_enrolment(*, user, code):
    """Confirm the authenticator being set up with a code from it.

    Returns the confirmed device and the new backup codes, or (None, None) for a wrong
    code. The user's other authenticators go: the one just scanned replaces them.
    """
    device = (TOTPDevice.objects.select_for_update()
              .filter(user=user, confirmed=False).order_by("-pk").first())
    if device is None or not APP_CODE.fullmatch(code) or not device.verify_token(code):
        return None, None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    return device, replace_backup_codes(user=user)


@transaction.atomic
def replace_backup_codes(*, user):
    """Ten new backup codes for the user; the old ones stop working. Returns the codes."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_CODES_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def backup_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def may_reset(actor, target):
    """An editor may reset a colleague's two-factor; a superuser's only by a superuser."""
    return (
        actor.has_perms(RESET_PERMISSIONS)
        and target.pk != actor.pk
        and (actor.is_superuser or not target.is_superuser)
    )


@transaction.atomic
def reset_two_factor(*, user, by):
    """Remove the user's authenticator and backup codes and end their sessions.

    They set up again at their next sign-in (if their role requires it). Recorded in
    the user's admin history and on the security log.
    """
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    ended = sessions.end_sessions(user=user)
    LogEntry.objects.log_actions(
        user_id=by.pk, queryset=[user], action_flag=CHANGE,
        change_message="Reset two-factor authentication (authenticator and backup codes "
                       "removed, sessions ended).",
        single_object=True,
    )
    security_log.warning("two-factor reset user=%r by=%r sessions_ended=%d",
                         user.get_username(), by.get_username(), ended)
