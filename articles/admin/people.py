"""The newsroom's people in the admin: editors invite colleagues and deactivate them.

Everything goes through articles.accounts.people (the services) and the Person proxy's
own permissions, which only the Editor role holds: a reporter sees none of it, and no
form here has a field for superuser status, staff status or permissions.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.mail import BadHeaderError

from articles.accounts import people
from articles.accounts.forms import InviteForm, PersonForm
from articles.admin.input import CheckedInputMixin
from articles.editorial.roles import ROLES
from articles.models import Person
from articles.platform.admin_lists import CheckedListMixin

MAIL_FAILED = (
    "The account was saved, but the invitation could not be sent ({error}). Check the "
    "email settings, then select the person and choose “Send a new invitation”."
)


class RoleFilter(admin.SimpleListFilter):
    title = "role"
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return people.ROLE_CHOICES

    def queryset(self, request, queryset):
        if self.value() in ROLES:
            return queryset.filter(groups__name=self.value())
        return queryset


@admin.register(Person)
class PersonAdmin(CheckedListMixin, CheckedInputMixin, admin.ModelAdmin):
    list_display = ["name", "username", "email", "role", "is_active", "last_login"]
    list_display_links = ["name"]
    list_filter = ["is_active", RoleFilter]
    search_fields = ["username", "first_name", "last_name", "email"]
    actions = ["deactivate", "reactivate", "send_invitation"]
    add_fieldsets = [(None, {
        "fields": ["username", "first_name", "last_name", "email", "role"],
        "description": "They get an email with a link to choose their password; the "
                       "account works once they have.",
    })]
    fieldsets = [
        (None, {"fields": ["username", "first_name", "last_name", "email", "role"]}),
        ("Account", {
            "fields": ["is_active", "last_login", "date_joined"],
            "description": "To deactivate or reactivate the account, or to send a new "
                           "set-password link, tick the person in the list of people and "
                           "choose the action.",
        }),
    ]
    readonly_fields = ["username", "is_active", "last_login", "date_joined"]

    def get_queryset(self, request):
        return (super().get_queryset(request).manageable_by(request.user)
                .prefetch_related("groups"))

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # Once they have chosen a password, the address their links go to is theirs: an
        # editor who could change it could send themselves a colleague's link.
        if obj.has_usable_password():
            return [*self.readonly_fields, "email"]
        return self.readonly_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = PersonForm if obj is not None else InviteForm
        return super().get_form(request, obj, change=change, **kwargs)

    def has_change_permission(self, request, obj=None):
        # Your own account is yours to read here, not to change: no one sets their role.
        return super().has_change_permission(request, obj) and (
            obj is None or people.may_manage(request.user, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate: bylines and history keep pointing at the account

    @admin.display(description="name", ordering="first_name")
    def name(self, person):
        return person.get_full_name() or person.get_username()

    @admin.display(description="role")
    def role(self, person):
        return people.role_of(person) or ("Superuser" if person.is_superuser else "—")

    def save_model(self, request, obj, form, change):
        role = form.cleaned_data["role"]
        if change:
            obj.save()
            people.set_role(person=obj, role=role, by=request.user)
            return
        people.invite(person=obj, role=role, by=request.user)

    def mail_invitation(self, request, person):
        try:
            people.send_invitation(person=person, by=request.user,
                                   base_url=request.build_absolute_uri("/"))
        except (OSError, BadHeaderError) as error:  # smtplib's errors are OSErrors
            self.message_user(request, MAIL_FAILED.format(error=error), messages.ERROR)
            return False
        return True

    def add_view(self, request, form_url="", extra_context=None):
        return super().add_view(request, form_url, {
            "title": "Invite a reporter or an editor", **(extra_context or {})})

    def response_add(self, request, obj, post_url_continue=None):
        if not self.mail_invitation(request, obj):
            return super().response_add(request, obj, post_url_continue)
        self.message_user(request, f"An invitation went to {obj.email}: {obj} chooses a "
                                   "password from its link, then signs in.", messages.SUCCESS)
        # That says it: Django's own "was added successfully" would be a second message.
        request._newsroom_added_said = True
        try:
            return super().response_add(request, obj, post_url_continue)
        finally:
            del request._newsroom_added_said

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        if getattr(request, "_newsroom_added_said", False):
            return
        super().message_user(request, message, level, *args, **kwargs)

    @admin.action(description="Deactivate the selected accounts", permissions=["change"])
    def deactivate(self, request, queryset):
        self.set_active(request, queryset, active=False)

    @admin.action(description="Reactivate the selected accounts", permissions=["change"])
    def reactivate(self, request, queryset):
        self.set_active(request, queryset, active=True)

    def set_active(self, request, queryset, *, active):
        changed, refused = [], []
        for person in queryset:
            try:
                if people.set_active(person=person, active=active, by=request.user):
                    changed.append(str(person))
            except PermissionDenied:
                refused.append(str(person))
        verb = "Reactivated" if active else "Deactivated"
        if changed:
            self.message_user(request, f"{verb}: {', '.join(changed)}.", messages.SUCCESS)
        if refused:
            self.message_user(request, f"Not changed (your own account, or one you may not "
                                       f"manage): {', '.join(refused)}.", messages.ERROR)
        if not changed and not refused:
            self.message_user(request, "Nothing to change.", messages.INFO)

    @admin.action(description="Send a new invitation (set-password link)",
                  permissions=["change"])
    def send_invitation(self, request, queryset):
        sent = [person for person in queryset
                if person.is_active and people.may_manage(request.user, person)
                and person.email and not person.has_usable_password()
                and self.mail_invitation(request, person)]
        if sent:
            self.message_user(request, "Invitation sent to " + ", ".join(
                f"{person} ({person.email})" for person in sent) + ".", messages.SUCCESS)
        if len(sent) < queryset.count():
            self.message_user(request, "No invitation for your own account, inactive "
                                       "accounts, accounts without an email, or people who "
                                       "have already set their password (a forgotten "
                                       "password is reset by an administrator).",
                              messages.WARNING)
