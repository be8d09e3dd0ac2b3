"""An export's pictures: each line's ``"image"`` (the hero image's words and its file's
path relative to the media folder), the files copied beside the export
(``export_articles --media DIR``) and restored from there (``import_articles --media
DIR``), each image once however many articles show it."""

import shutil
from pathlib import Path, PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from articles.editorial.images import image_restore
from articles.models import Image
from articles.platform import pictures


def image_record(image):
    """The export's ``"image"`` of an article: None when it has none."""
    if image is None:
        return None
    focal = None if image.focal_x is None and image.focal_y is None else list(image.focal_point)
    return {
        "id": image.pk,
        "path": image.file.name,
        "alt_text": image.alt_text,
        "caption": image.caption,
        "credit": image.credit,
        "usage_terms": image.usage_terms,
        "focal_point": focal,
        "width": image.width,
        "height": image.height,
    }


class MediaCopier:
    """Copies each exported image's original to ``folder``/its path, once."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.copied = set()

    def copy(self, image):
        if image is None or image.pk in self.copied:
            return
        target = self.folder / image.file.name
        target.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(image.file.name, "rb") as source, open(target, "wb") as out:
            shutil.copyfileobj(source, out)
        self.copied.add(image.pk)


def _checked_path(value):
    """The record's relative path, refused if it could leave the media folder."""
    if not isinstance(value, str) or not value or "\x00" in value or "\\" in value:
        raise ValueError(f"bad image path {str(value)[:80]!r}")
    path = PurePosixPath(value)
    if path.is_absolute() or ".." in path.parts or len(value) > 255:
        raise ValueError(f"image path {value[:80]!r} must stay inside the media folder")
    return value


class ImageRestorer:
    """The images of an export being restored: one Image per exported image, reused
    when its file is already in the library, its original copied from ``folder``."""

    def __init__(self, folder=None):
        self.folder = Path(folder).resolve() if folder else None
        self.by_export_id = {}
        self.missing = 0  # images left out: no --media folder and no file in storage

    def image_for(self, record):
        """The Image for an export line's ``"image"`` (None: none, or left out)."""
        if record is None:
            return None
        if not isinstance(record, dict):
            raise ValueError("image is not a JSON object")
        key = record.get("id"), record.get("path")
        if key in self.by_export_id:
            return self.by_export_id[key]
        path = _checked_path(record.get("path"))
        image = Image.objects.filter(file=path).first()
        if image is None:
            image = self._restore(path, record)
        self.by_export_id[key] = image
        return image

    def _restore(self, path, record):
        focal = record.get("focal_point") or (None, None)
        if not isinstance(focal, list | tuple) or len(focal) != 2:
            raise ValueError("image focal_point must be [x, y]")
        image = Image(
            alt_text=record.get("alt_text") or "", caption=record.get("caption") or "",
            credit=record.get("credit") or "", usage_terms=record.get("usage_terms") or "",
            focal_x=focal[0], focal_y=focal[1],
        )
        try:
            image.full_clean(exclude=["file"], validate_unique=False)
        except ValidationError as error:
            raise ValueError(f"image {path!r}: {' '.join(error.messages)}") from error
        if self.folder is None:
            if not default_storage.exists(path):
                self.missing += 1
                return None
            with default_storage.open(path, "rb") as stored:
                data = stored.read(pictures.MAX_BYTES + 1)
            return image_restore(image=image, name=path, data=data, store=False)
        source = self.folder / path
        if source.is_symlink() or not source.resolve().is_relative_to(self.folder):
            raise ValueError(f"image {path!r} must be a file inside the media folder")
        if not source.is_file():
            raise ValueError(f"image file {path!r} is not in the media folder {self.folder}")
        if source.stat().st_size > pictures.MAX_BYTES:
            raise ValueError(f"image file {path!r} is over {pictures.MAX_BYTES} bytes")
        return image_restore(image=image, name=path, data=source.read_bytes(), store=True)
