"""The image library in the admin: upload (the file's own credit and caption filled in),
describe, set the focal point, find by words; thumbnails in the list."""

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html

from articles.admin.input import CheckedInputMixin
from articles.editorial import images
from articles.models import Image
from articles.platform import pictures
from articles.platform.admin_lists import CheckedListMixin


class ImageForm(forms.ModelForm):
    """An image's file is a raster picture we can read whole, of a size we process; a
    refused file leaves nothing saved."""

    # A plain file field: the picture is checked here (pictures.read_picture), with a
    # reason an editor can act on, not Django's one message for every bad image.
    file = forms.FileField(
        help_text=f"A photo or graphic: JPEG, PNG, WebP or GIF, at most "
        f"{pictures.MAX_BYTES // (1024 * 1024)} MB and "
        f"{pictures.MAX_PIXELS // 1_000_000} megapixels.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,"
                                                         "image/gif"}),
    )

    class Meta:
        model = Image
        fields = ["file", "alt_text", "caption", "credit", "usage_terms", "focal_x", "focal_y"]
        widgets = {"focal_x": forms.NumberInput(attrs={"step": "0.01", "min": 0, "max": 1}),
                   "focal_y": forms.NumberInput(attrs={"step": "0.01", "min": 0, "max": 1})}

    metadata = None  # what a new file says of itself, once read

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None or "file" not in self.changed_data:
            return upload
        upload.seek(0)
        data = upload.read(pictures.MAX_BYTES + 1)
        upload.seek(0)
        try:
            pictures.read_picture(data)
        except pictures.PictureRefused as refused:
            raise forms.ValidationError(str(refused), code="picture_refused") from refused
        self.metadata = pictures.read_metadata(data)
        return upload


@admin.register(Image)
class ImageAdmin(CheckedListMixin, CheckedInputMixin, admin.ModelAdmin):
    form = ImageForm
    list_display = ["thumbnail", "__str__", "credit", "size", "created_at"]
    list_display_links = ["thumbnail", "__str__"]
    search_fields = ["alt_text", "caption", "credit", "file"]
    list_per_page = 50
    show_full_result_count = False
    readonly_fields = ["preview", "size"]
    fieldsets = [
        (None, {"fields": ["file", "preview", "size"]}),
        ("For readers", {"fields": ["alt_text", "caption", "credit"],
                         "description": "An image leads an article only once it has alt "
                         "text. The credit and caption are filled from the file's own "
                         "metadata (IPTC or EXIF) when left empty: check them."}),
        ("Crops", {"fields": ["focal_x", "focal_y"],
                   "description": "Cards show a 3:2 or square crop: the focal point (say, "
                   "a face) stays in view. Leave empty for the centre."}),
        ("For the newsroom", {"fields": ["usage_terms"]}),
    ]

    @admin.display(description="")
    def thumbnail(self, image):
        return self._img(image, "thumb", 64)

    @admin.display(description="Preview")
    def preview(self, image):
        if image.pk is None:
            return "Shown once saved."
        return self._img(image, "hero", 320)

    @admin.display(description="Size")
    def size(self, image):
        return f"{image.width} × {image.height} px" if image.width else "–"

    @staticmethod
    def _img(image, role, width):
        picture = image.picture(role)
        height = round(width * picture.height / max(picture.width, 1))
        return format_html('<img src="{}" width="{}" height="{}" alt="{}">', picture.src,
                           width, height, image.alt_text)

    def save_model(self, request, obj, form, change):
        new_file = "file" in form.changed_data
        filled = []
        if new_file and form.metadata is not None:
            filled = images.fill_from_metadata(obj, form.metadata)
        images.image_save(image=obj, by=request.user, new_file=new_file)
        if filled:
            self.message_user(request, "Filled from the file's metadata, please check: "
                              f"{', '.join(filled)}.", messages.INFO)
