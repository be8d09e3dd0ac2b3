"""Account pages in the admin: the second step, backup codes, sessions, staff resets,
and the page where an invited person sets their password.

Each view but the set-password pages is wrapped by the admin site's admin_view
(articles.accounts.urls), so it is staff-only, CSRF-protected and never cached;
StaffSessionMiddleware lets a user who has not passed the second step reach only the
step itself.
"""

import logging
from base64 import b32encode
from urllib.parse import urlencode

import segno
from axes.models import AccessLog
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.views import PasswordResetConfirmView
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.accounts import logins, sessions, two_factor
from articles.accounts.forms import CodeForm, SetupCodeForm

security_log = logging.getLogger("newsroom.security")

# New backup codes wait here for the one page that shows them, and are gone after it.
NEW_BACKUP_CODES = "newsroom_new_backup_codes"


def next_url(request):
    """Where to go after the step: the page asked for, if it is on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return reverse("admin:index")


def with_next(name, request):
    return f"{reverse(name)}?{urlencode({'next': next_url(request)})}"


def page(request, template, title, **context):
    return TemplateResponse(request, template, {
        **admin.site.each_context(request), "title": title, **context,
    })


def verify(request):
    """After the password: a code from the authenticator app, or a backup code."""
    user = request.user
    if user.is_verified():
        return redirect(next_url(request))
    if not two_factor.has_authenticator(user):
        if two_factor.must_use_two_factor(user):
            return redirect(with_next(two_factor.SETUP, request))
        return redirect(next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = two_factor.check_code(user=user, code=form.cleaned_data["code"])
        if result.device is not None:
            two_factor.mark_verified(request, result.device)
            method = "backup code" if result.used_backup_code else "authenticator app"
            security_log.info("two-factor passed user=%r address=%s method=%s",
                              user.get_username(), logins.client_ip(request), method)
            if result.used_backup_code:
                left = two_factor.backup_codes_left(user)
                messages.warning(request, (
                    f"You signed in with a backup code; {left} left. If you no longer have "
                    "your authenticator, set it up on a new phone from Your account now."
                ))
            return redirect(next_url(request))
        form.add_error("code", result.error)
        security_log.warning("two-factor code refused user=%r address=%s",
                             user.get_username(), logins.client_ip(request))
    return page(request, "admin/accounts/verify.html", "Enter your sign-in code",
                form=form, next=next_url(request))


def setup(request):
    """Set up an authenticator app: scan (or type) the secret, confirm with a code."""
    user = request.user
    replacing = two_factor.has_authenticator(user)
    if replacing and not user.is_verified():
        return redirect(with_next(two_factor.VERIFY, request))
    device = two_factor.enrolment_device(user)
    form = SetupCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed, codes = two_factor.confirm_enrolment(user=user, code=form.cleaned_data["code"])
        if confirmed is not None:
            two_factor.mark_verified(request, confirmed)
            request.session[NEW_BACKUP_CODES] = codes
            security_log.info("two-factor set up user=%r address=%s replaced=%s",
                              user.get_username(), logins.client_ip(request),
                              "yes" if replacing else "no")
            return redirect(with_next("admin:account-backup-codes", request))
        form.add_error("code", "That code does not match. Check the app shows "
                               f"“{settings.OTP_TOTP_ISSUER}” and try the code it shows now.")
        security_log.warning("two-factor set-up code refused user=%r address=%s",
                             user.get_username(), logins.client_ip(request))
    secret = b32encode(device.bin_key).decode()
    qr = segno.make(device.config_url, error="m")
    return page(
        request, "admin/accounts/setup.html",
        "Set up a new authenticator" if replacing else "Set up two-factor authentication",
        form=form, next=next_url(request), replacing=replacing,
        required=two_factor.must_use_two_factor(user),
        secret=" ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
        qr_svg=qr.svg_inline(scale=5, dark="#000", light="#fff", omitsize=True,
                             title="QR code for your authenticator app"),
    )


def backup_codes(request):
    """New backup codes, shown once."""
    codes = request.session.pop(NEW_BACKUP_CODES, None)
    return page(request, "admin/accounts/backup_codes.html", "Your backup codes",
                codes=codes, next=next_url(request))


@require_POST
def new_backup_codes(request):
    user = request.user
    if not two_factor.has_authenticator(user):
        messages.error(request, "Set up two-factor authentication first; backup codes "
                                "come with it.")
        return redirect("admin:account")
    request.session[NEW_BACKUP_CODES] = two_factor.replace_backup_codes(user=user)
    security_log.info("backup codes replaced user=%r address=%s", user.get_username(),
                      logins.client_ip(request))
    return redirect(f"{reverse('admin:account-backup-codes')}?"
                    f"{urlencode({'next': reverse('admin:account')})}")


def account(request):
    """Your account: two-factor, backup codes, sessions, password."""
    user = request.user
    others = [key for key in sessions.session_keys_of(user) if key != request.session.session_key]
    return page(
        request, "admin/accounts/account.html", "Your account",
        authenticator=two_factor.authenticator_of(user),
        backup_codes_left=two_factor.backup_codes_left(user),
        required=two_factor.must_use_two_factor(user),
        other_sessions=len(others),
        idle_hours=sessions.idle_limit_text(),
        roles=[group.name for group in user.groups.all()],
        recent_sign_ins=AccessLog.objects.filter(username=user.get_username())[:5],
        may_manage_staff=user.has_perms(two_factor.RESET_PERMISSIONS),
    )


@require_POST
def end_other_sessions(request):
    user = request.user
    ended = sessions.end_sessions(user=user, keep=request.session.session_key)
    security_log.info("other sessions ended user=%r address=%s count=%d",
                      user.get_username(), logins.client_ip(request), ended)
    messages.success(request, f"Signed out {ended} other session{'s' if ended != 1 else ''}."
                     if ended else "You had no other sessions.")
    return redirect("admin:account")


def staff(request):
    """Staff sign-in: who has two-factor, who is locked out; reset or unlock from here."""
    if not request.user.has_perms(two_factor.RESET_PERMISSIONS):
        raise PermissionDenied
    locked = logins.locked_accounts()
    people = (get_user_model().objects.filter(is_staff=True, is_active=True)
              .prefetch_related("groups")
              .annotate(has_app=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"),
                                                                 confirmed=True)))
              .order_by("first_name", "last_name", "username"))
    rows = [
        {
            "person": person,
            "roles": [group.name for group in person.groups.all()],
            "required": two_factor.role_requires(
                {group.name for group in person.groups.all()}, person.is_superuser),
            "locked_from": locked[person.get_username()],
            "may_reset": person.has_app and two_factor.may_reset(request.user, person),
        }
        for person in people
    ]
    return page(request, "admin/accounts/staff.html", "Staff sign-in", rows=rows,
                **logins.policy())


def reset_two_factor(request, user_id):
    """Confirm, then remove a colleague's authenticator and backup codes."""
    target = get_object_or_404(get_user_model(), pk=user_id, is_staff=True)
    if not two_factor.may_reset(request.user, target):
        raise PermissionDenied
    if request.method == "POST":
        two_factor.reset_two_factor(user=target, by=request.user)
        messages.success(request, (
            f"Two-factor authentication reset for {target.get_full_name() or target}. "
            "Their open sessions were ended; they set it up again at their next sign-in."
        ))
        return redirect("admin:account-staff")
    return page(request, "admin/accounts/reset_confirm.html",
                "Reset two-factor authentication", target=target,
                has_app=two_factor.has_authenticator(target))


class SetPasswordView(PasswordResetConfirmView):
    """An invited person's one-time link: Django's password reset, for active staff who
    have not chosen a password yet (a deactivated colleague's old link sets nothing)."""

    template_name = "admin/accounts/set_password.html"
    success_url = reverse_lazy("admin:account-password-set")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        if user is None or not (user.is_active and user.is_staff):
            return None
        if user.has_usable_password():  # an invitation, not a way into a used account
            return None
        return user

    def get_context_data(self, **kwargs):
        return {**admin.site.each_context(self.request), **super().get_context_data(**kwargs),
                "title": "Set your password"}


@never_cache
def password_set(request):
    return page(request, "admin/accounts/password_set.html", "Your password is set")
