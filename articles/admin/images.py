"""The image library in the admin: upload, describe, set the focal point."""

from django.contrib import admin

from articles.editorial import images
from articles.models import Image


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = ["__str__", "credit", "width", "height", "created_at"]
    search_fields = ["alt_text", "caption", "credit"]
    fields = ["file", "alt_text", "caption", "credit", "usage_terms", "focal_x", "focal_y"]

    def save_model(self, request, obj, form, change):
        images.image_save(image=obj, by=request.user, new_file="file" in form.changed_data)
