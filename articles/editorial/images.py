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
from articles.models.images import FORMATS, ROLES, UPLOAD_RENDITIONS
from articles.platform import pictures


def wanted_renditions(image, *, at_upload):
    """{(crop, width)} the pages need: at upload only UPLOAD_RENDITIONS (capped at the
    image's size), else every width of every role."""
    wanted = set()
    for role in ROLES.values():
        widths = UPLOAD_RENDITIONS[role.crop] if at_upload else role.widths
        wanted |= {(role.crop, w) for w in image.widths_for(role.crop, widths)}
    return wanted


def make_renditions(image, *, at_upload=False):
    """Make the renditions of ``image`` not made yet (see wanted_renditions) and record
    them on its row; returns how many were made."""
    wanted = [(crop, width, fmt) for crop, width in wanted_renditions(image, at_upload=at_upload)
              for fmt in FORMATS]
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
        # Another process may have made some meanwhile: keep theirs too.
        current = Image.objects.select_for_update().filter(pk=image.pk).first()
        if current is None:
            return 0
        if current.rendition_folder == image.rendition_folder:
            made |= set(current.renditions)
        image.renditions = sorted(made)
        image.save(update_fields=["renditions"])
    return len(missing)


def make_remaining_renditions(image_id):
    """The worker's task: every rendition of the image the pages may ask for."""
    image = Image.objects.filter(pk=image_id).first()
    if image is not None:
        make_renditions(image)


def queue_remaining_renditions(image):
    """Have the worker make the rest after the upload's transaction commits."""
    from django_q.tasks import async_task

    transaction.on_commit(lambda: async_task(
        "articles.editorial.images.make_remaining_renditions", image.pk,
        task_name=f"renditions of image {image.pk}"))


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


def _focal_point_moved(image):
    if image.pk is None:
        return True
    saved = Image.objects.filter(pk=image.pk).values_list("focal_x", "focal_y").first()
    return saved is not None and saved != (image.focal_x, image.focal_y)

