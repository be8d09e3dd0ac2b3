"""The newsroom's people: staff accounts, as editors manage them in the admin."""

from django.contrib.auth.models import User, UserManager
from django.db import models


class PersonQuerySet(models.QuerySet):
    def staff(self):
        """Accounts that may sign in to the admin (active or not)."""
        return self.filter(is_staff=True)

    def manageable_by(self, user):
        """The staff accounts this user may see and manage: a superuser's only by a
        superuser (an editor can neither change nor make one)."""
        people = self.staff()
        if not user.is_superuser:
            people = people.filter(is_superuser=False)
        return people


class PersonManager(UserManager.from_queryset(PersonQuerySet)):
    pass


class Person(User):
    """A staff account, seen by the editors who invite and deactivate colleagues.

    A proxy of Django's user, so that its permissions (add, change, view person) are the
    newsroom's own, separate from ``auth.change_user``, which would let the holder make
    anyone a superuser.
    """

    objects = PersonManager()

    class Meta:
        proxy = True
        verbose_name = "person"
        verbose_name_plural = "people"
        ordering = ["first_name", "last_name", "username"]
        default_permissions = ("add", "change", "view")

    def __str__(self):
        return self.get_full_name() or self.get_username()
