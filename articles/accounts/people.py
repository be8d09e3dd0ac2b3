"""Inviting and deactivating the newsroom's people.

An invited person gets a staff account in one role and no password: the invitation
mails them a link to set one. The link is Django's password-reset token, so it works
once (setting the password changes what the token was made from) and expires after
``PASSWORD_RESET_TIMEOUT``. Deactivating keeps the account and its history (bylines,
versions) but ends its sessions and refuses its sign-ins.
"""

import logging

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from articles.accounts import sessions
from articles.editorial.roles import ROLES

security_log = logging.getLogger("newsroom.security")

ROLE_CHOICES = [(role, role) for role in ROLES]


def may_manage(actor, person):
    """An editor manages colleagues, never their own account (no one grants themselves
    more, or locks themselves out), and a superuser's only if a superuser."""
    return (
        actor.has_perm("articles.change_person")
        and person.pk != actor.pk
        and person.is_staff
        and (actor.is_superuser or not person.is_superuser)
        # An account with powers beyond the two roles is an administrator's to manage.
        and (actor.is_superuser or holds_only_roles(person))
    )


def holds_only_roles(person):
    """No permissions of its own and no group but the newsroom's roles."""
    return (not person.user_permissions.exists()
            and all(group.name in ROLES for group in person.groups.all()))


def role_of(person):
    """The person's newsroom role, or None (a superuser may hold none)."""
    names = [group.name for group in person.groups.all() if group.name in ROLES]
    return names[0] if names else None


@transaction.atomic
def invite(*, person, role, by):
    """Save a new staff account in ``role``, with no password until they set one."""
    if role not in ROLES:
        raise ValueError(f"{role!r} is not a newsroom role")
    person.is_staff = True
    person.is_superuser = False
    person.is_active = True
    person.set_unusable_password()
    person.save()
    person.groups.set([Group.objects.get(name=role)])
    person.user_permissions.clear()
    security_log.info("staff invited user=%r role=%s by=%r", person.get_username(), role,
                      by.get_username())
    return person


def set_role(*, person, role, by):
    """Put a colleague in exactly one newsroom role (their other groups stay)."""
    if not may_manage(by, person):
        raise PermissionDenied
    if role not in ROLES:
        raise ValueError(f"{role!r} is not a newsroom role")
    if role_of(person) == role:
        return
    with transaction.atomic():
        person.groups.remove(*Group.objects.filter(name__in=ROLES).exclude(name=role))
        person.groups.add(Group.objects.get(name=role))
    security_log.warning("role changed user=%r role=%s by=%r", person.get_username(), role,
                         by.get_username())


def invitation_link(person, *, base_url):
    """The one-time address where the person sets their password."""
    path = reverse("admin:account-welcome", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(person.pk)),
        "token": default_token_generator.make_token(person),
    })
    return base_url.rstrip("/") + path


def send_invitation(*, person, by, base_url):
    """Mail the person their set-password link (a new one each time: any earlier link
    stays good until one of them is used)."""
    context = {
        "person": person,
        "by": by,
        "link": invitation_link(person, base_url=base_url),
        "newsroom": settings.NEWSROOM_NAME,
        "days": max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 3600)),
    }
    send_mail(
        subject=f"Your {settings.NEWSROOM_NAME} account: set your password",
        message=render_to_string("admin/accounts/invitation_email.txt", context),
        from_email=None,
        recipient_list=[person.email],
    )
    security_log.info("invitation sent user=%r by=%r", person.get_username(),
                      by.get_username())


@transaction.atomic
def set_active(*, person, active, by):
    """Deactivate a colleague (their sessions end, sign-ins are refused) or let them
    back in; recorded in their admin history and on the security log."""
    if not may_manage(by, person):
        raise PermissionDenied
    if person.is_active == active:
        return False
    person.is_active = active
    person.save(update_fields=["is_active"])
    ended = 0 if active else sessions.end_sessions(user=person)
    LogEntry.objects.log_actions(
        user_id=by.pk, queryset=[person], action_flag=CHANGE,
        change_message="Reactivated the account." if active
        else "Deactivated the account (sessions ended).",
        single_object=True,
    )
    security_log.warning("account %s user=%r by=%r sessions_ended=%d",
                         "reactivated" if active else "deactivated",
                         person.get_username(), by.get_username(), ended)
    return True
