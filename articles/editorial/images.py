"""The image library's writes: storing an upload with its first renditions, making the
rest (the background worker), and what a file's metadata says about it.

Renditions are stored through Django's default storage (``STORAGES["default"]``: the
file system, or S3-compatible storage in production), each once, at the address
``Image.rendition_path`` computes; the row lists those made.
"""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from articles.models import Image
from articles.models.images import (
    CROPS,
    FORMATS,
    ROLES,
    UPLOAD_FORMATS,
    UPLOAD_RENDITIONS,
)
from articles.platform import pictures


def wanted_renditions(image, *, at_upload, crop=None):
    """{(crop, width)} the pages need: at upload only UPLOAD_RENDITIONS (capped at the
    image's size), else every width of every role (of ``crop`` only, if given)."""
    wanted = set()
    for role in ROLES.values():
        if crop is not None and role.crop != crop:
            continue
        widths = UPLOAD_RENDITIONS[role.crop] if at_upload else role.widths
        wanted |= {(role.crop, w) for w in image.widths_for(role.crop, widths)}
    return wanted


def make_renditions(image, *, at_upload=False, crop=None):
    """Make the renditions of ``image`` not made yet (see wanted_renditions) and record
    them on its row; returns how many were made."""
    formats = UPLOAD_FORMATS if at_upload else FORMATS
    wanted = [(c, width, fmt)
              for c, width in wanted_renditions(image, at_upload=at_upload, crop=crop)
              for fmt in formats]
    made = set(image.renditions)
    missing = [(c, w, f) for c, w, f in wanted if image.rendition_name(c, w, f) not in made]
    if not missing:
        return 0
    with image.file.open("rb") as original:
        picture = pictures.upright_rgb(original.read())
    for crop, width, fmt in missing:
        data = pictures.rendition(picture, ratio=crop.ratio, focal=image.focal_point,
                                  width=width, fmt=fmt)
        path = image.rendition_path(crop, width, fmt)
        if default_storage.exists(path):
            default_storage.delete(path)
        default_storage.save(path, ContentFile(data))
        made.add(image.rendition_name(crop, width, fmt))
    with transaction.atomic():
        current = Image.objects.select_for_update().filter(pk=image.pk).first()
        # A new file or focal point since: these renditions are of no use any more.
        if current is None or current.rendition_folder != image.rendition_folder:
            return 0
        # Another process may have made some meanwhile: keep theirs too.
        current.renditions = sorted(made | set(current.renditions))
        current.save(update_fields=["renditions"])  # pages showing it are renewed
        image.renditions = current.renditions
    return len(missing)


def make_remaining_renditions(image_id, crop_name):
    """The worker's task: every rendition of one crop of the image the pages may ask
    for (one task per crop keeps each within the worker's time limit)."""
    image = Image.objects.filter(pk=image_id).first()
    if image is not None:
        make_renditions(image, crop=CROPS[crop_name])


def queue_remaining_renditions(image):
    """Have the worker make the rest after the upload's transaction commits."""
    from django_q.tasks import async_task

    def queue():
        for crop in CROPS.values():
            async_task("articles.editorial.images.make_remaining_renditions", image.pk,
                       crop.name, task_name=f"renditions {crop.name} of image {image.pk}")

    transaction.on_commit(queue)


def image_save(*, image, by, new_file=False):
    """Save an image of the library: on a new file (or a new focal point) its size is
    read, renditions start afresh (the upload's at once, the rest by the worker)."""
    with transaction.atomic():
        if image.pk is None:
            image.created_by = by
        if new_file:
            image.file.seek(0)
            info = pictures.read_picture(image.file.read())
            image.file.seek(0)
            image.width, image.height = info.width, info.height
        stale = new_file or _focal_point_moved(image)
        if stale:
            image.renditions = []
        image.save()
        if stale:
            make_renditions(image, at_upload=True)
            queue_remaining_renditions(image)
    return image


def image_restore(*, image, name, data, store):
    """Save a restored image (from an export) whose original is ``data``: checked as an
    upload is, stored at ``name`` (or already there: ``store`` false), its renditions
    made once the restore commits. Raises ValueError for a file we do not accept."""
    try:
        info = pictures.read_picture(data)
    except pictures.PictureRefused as refused:
        raise ValueError(f"image {name!r}: {refused}") from refused
    image.width, image.height = info.width, info.height
    image.file.name = default_storage.save(name, ContentFile(data)) if store else name
    image.renditions = []
    image.save()

    def renditions():
        make_renditions(image, at_upload=True)
        queue_remaining_renditions(image)

    transaction.on_commit(renditions)
    return image


def _focal_point_moved(image):
    if image.pk is None:
        return True
    saved = Image.objects.filter(pk=image.pk).values_list("focal_x", "focal_y").first()
    return saved is not None and saved != (image.focal_x, image.focal_y)



def fill_from_metadata(image, metadata):
    """Fill the image's empty caption, credit and usage terms from its file's metadata
    (a ``pictures.Metadata``); returns the names of those filled."""
    filled = []
    for field, value, label in (("caption", metadata.caption, "caption"),
                                ("credit", metadata.credit, "credit"),
                                ("usage_terms", metadata.copyright, "copyright")):
        if value and not getattr(image, field).strip():
            setattr(image, field, value)
            filled.append(label)
    return filled
