"""Raster pictures with Pillow: reading an upload safely, and cutting renditions of it
around a focal point. Knows nothing of the newsroom: bytes in, bytes out.
"""

import io
import warnings
from dataclasses import dataclass

from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

# The raster formats accepted (Pillow's names). SVG is not a raster format: refused.
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
# The largest picture accepted, in pixels (a 50-megapixel camera is about 8700 x 5800).
MAX_PIXELS = 60_000_000
ENCODE_OPTIONS = {
    "webp": {"format": "WEBP", "quality": 72, "method": 4},
    "avif": {"format": "AVIF", "quality": 55, "speed": 8},
    "jpeg": {"format": "JPEG", "quality": 78, "optimize": True, "progressive": True},
}


class PictureRefused(ValueError):
    """The file is not a picture we accept; the message says why, for the uploader."""


@dataclass(frozen=True)
class Picture:
    format: str
    width: int
    height: int


def _open(data):
    """Open ``data`` as a Pillow image, refusing anything that is not an accepted raster
    picture or is bigger than MAX_PIXELS (a decompression bomb)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", PILImage.DecompressionBombWarning)
        try:
            picture = PILImage.open(io.BytesIO(data))
        except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as exc:
            raise PictureRefused("This picture has too many pixels to be processed.") from exc
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
            raise PictureRefused("This file is not a picture we can read: upload a JPEG, "
                                 "PNG, WebP or GIF file.") from exc
    if picture.format not in ACCEPTED_FORMATS:
        raise PictureRefused(f"{picture.format} pictures are not accepted: upload a JPEG, "
                             "PNG, WebP or GIF file.")
    if picture.width * picture.height > MAX_PIXELS:
        raise PictureRefused("This picture has too many pixels to be processed "
                             f"(at most {MAX_PIXELS // 1_000_000} megapixels).")
    return picture


def read_picture(data):
    """The Picture of ``data`` (format and size, upright as it is meant to be seen), after
    decoding every pixel: a truncated or corrupt file is refused here."""
    picture = _open(data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            picture.load()
    except (OSError, ValueError, SyntaxError, PILImage.DecompressionBombWarning) as exc:
        raise PictureRefused("This picture is damaged or incomplete (it may not have "
                             "uploaded in full): try the file again.") from exc
    upright = ImageOps.exif_transpose(picture)
    return Picture(picture.format, upright.width, upright.height)


def upright_rgb(data):
    """The picture of ``data`` turned as its camera meant, in RGB (transparency laid on
    white), ready to cut renditions from."""
    picture = ImageOps.exif_transpose(_open(data))
    if picture.mode in ("RGBA", "LA", "P"):
        picture = picture.convert("RGBA")
        background = PILImage.new("RGB", picture.size, (255, 255, 255))
        background.paste(picture, mask=picture.getchannel("A"))
        return background
    return picture.convert("RGB")


def crop_box(size, ratio, focal):
    """The largest box of ``ratio`` (across, down; None: the whole picture) inside
    ``size``, centred on the ``focal`` point (x, y in 0..1) as far as the edges allow."""
    width, height = size
    if ratio is None:
        return (0, 0, width, height)
    across, down = ratio
    box_w = min(width, height * across // down)
    box_h = min(height, box_w * down // across)

    def start(extent, box, at):
        return int(min(max(at * extent - box / 2, 0), extent - box))

    return (start(width, box_w, focal[0]), start(height, box_h, focal[1]),
            start(width, box_w, focal[0]) + box_w, start(height, box_h, focal[1]) + box_h)


def rendition(picture, *, ratio, focal, width, fmt):
    """Encoded bytes of ``picture`` (from upright_rgb) cut to ``ratio`` around ``focal``
    and scaled to ``width`` pixels, in ``fmt`` (a key of ENCODE_OPTIONS)."""
    box = crop_box(picture.size, ratio, focal)
    box_w, box_h = box[2] - box[0], box[3] - box[1]
    height = max(1, round(width * box_h / box_w))
    scaled = picture.resize((width, height), PILImage.Resampling.LANCZOS, box=box)
    out = io.BytesIO()
    scaled.save(out, **ENCODE_OPTIONS[fmt])
    return out.getvalue()
