"""Agencies' push keys in the admin: an editor issues one (the key is shown once, then
only its hash is kept) and revokes it."""

from django.contrib import admin, messages
from django.utils import timezone

from articles.editorial import workflow
from articles.models import AgencyToken


@admin.register(AgencyToken)
class AgencyTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "source", "key_start", "created_at", "last_used_at", "revoked_at"]
    fields = ["name", "source", "key_start", "created_at", "created_by", "last_used_at",
              "revoked_at"]
    readonly_fields = ["key_start", "created_at", "created_by", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_module_permission(self, request):
        return workflow.can_publish(request.user)

    def has_view_permission(self, request, obj=None):
        return workflow.can_publish(request.user)

    has_add_permission = has_change_permission = has_view_permission

    def has_delete_permission(self, request, obj=None):
        return False  # revoked keys stay, so a rejected push can be traced

    def save_model(self, request, obj, form, change):
        if not change:
            key = obj.new_key()
            obj.created_by = request.user
            obj.save()
            self.message_user(
                request, f"The key for “{obj.name}” is {key} — copy it now and give it to "
                "the agency: it is not shown again. Pushes send it as “Authorization: "
                "Bearer KEY” to /api/v1/ingest/.", messages.WARNING)
            return
        obj.save()

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"Revoked {count} key{'s' if count != 1 else ''}.",
                          messages.SUCCESS)
