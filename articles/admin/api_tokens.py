"""Read API tokens in the admin: an editor issues one for a colleague (the key is shown
once, then only its hash is kept) and revokes it; nothing else about a token changes."""

from django.contrib import admin, messages
from django.utils import timezone

from articles.admin.input import CheckedInputMixin
from articles.models import ApiToken, Person
from articles.platform.admin_lists import CheckedListMixin

KEY_SHOWN_ONCE = (
    "The key of “{name}” for {user} is {key} — copy it now: it is not stored and will not "
    "be shown again. Send it as “Authorization: Bearer <key>” (docs/API.md)."
)


@admin.register(ApiToken)
class ApiTokenAdmin(CheckedListMixin, CheckedInputMixin, admin.ModelAdmin):
    list_display = ["name", "user", "key_start", "created_at", "created_by", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "user__username", "key_start"]
    list_select_related = ["user", "created_by"]
    actions = ["revoke"]
    fields = ["user", "name"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["user", "name", "key_start", "created_at", "created_by", "revoked_at"]

    def get_fields(self, request, obj=None):
        return self.fields if obj is None else self.get_readonly_fields(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            # Whose drafts the key opens: an active colleague this editor may manage.
            kwargs["queryset"] = Person.objects.manageable_by(request.user).filter(
                is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            return  # a token's fields never change; it is only revoked
        obj.created_by = request.user
        key = obj.new_key()
        obj.save()
        messages.warning(request, KEY_SHOWN_ONCE.format(name=obj.name, user=obj.user, key=key))

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, not deleted: who had access stays on record

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"Revoked {count} token{'s' if count != 1 else ''}.",
                          messages.SUCCESS)
