"""Raster pictures with Pillow: reading an upload safely, and cutting renditions of it
around a focal point. Knows nothing of the newsroom: bytes in, bytes out.
"""

import io
import warnings
from dataclasses import dataclass

from PIL import Image as PILImage
from PIL import ImageOps, IptcImagePlugin, UnidentifiedImageError

from articles.platform.text import strip_forbidden

# The raster formats accepted (Pillow's names). SVG is not a raster format: refused.
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
# The largest picture accepted, in pixels (a 50-megapixel camera is about 8700 x 5800).
MAX_PIXELS = 60_000_000
# The largest file accepted (a 50-megapixel camera's best JPEG is about 30 MB).
MAX_BYTES = 40 * 1024 * 1024
# Renditions are at most this wide: a JPEG is decoded at the smallest scale (1/2, 1/4,
# 1/8) that still has these pixels, which makes a big photo's renditions much cheaper.
DECODE_AT_LEAST = 2000
# IPTC datasets (record 2) and EXIF tags read for a new image's words.
IPTC_BYLINE, IPTC_CREDIT, IPTC_COPYRIGHT, IPTC_CAPTION = (2, 80), (2, 110), (2, 116), (2, 120)
EXIF_DESCRIPTION, EXIF_ARTIST, EXIF_COPYRIGHT = 0x010E, 0x013B, 0x8298
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


@dataclass(frozen=True)
class Metadata:
    """What a file says about itself (IPTC first, then EXIF); "" where it says nothing."""

    caption: str = ""
    credit: str = ""
    copyright: str = ""


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
    if len(data) > MAX_BYTES:
        raise PictureRefused(f"This file is larger than {MAX_BYTES // (1024 * 1024)} MB: "
                             "export a smaller copy of the picture.")
    picture = _open(data)
    width, height = picture.size
    if _turned(picture):
        width, height = height, width
    _decode_smaller(picture)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            picture.load()
    except (OSError, ValueError, SyntaxError, PILImage.DecompressionBombWarning) as exc:
        raise PictureRefused("This picture is damaged or incomplete (it may not have "
                             "uploaded in full): try the file again.") from exc
    return Picture(picture.format, width, height)


def _decode_smaller(picture):
    """Have a JPEG decoded at the smallest scale still DECODE_AT_LEAST pixels wide as it
    is shown (a picture on its side: as tall as it is stored)."""
    width, height = picture.size
    if _turned(picture):
        wanted = (DECODE_AT_LEAST * width // height, DECODE_AT_LEAST)
    else:
        wanted = (DECODE_AT_LEAST, DECODE_AT_LEAST * height // width)
    if min(wanted) > 0:
        picture.draft("RGB", wanted)


def _turned(picture):
    """The file asks to be shown turned a quarter (EXIF orientation 5 to 8)."""
    return picture.getexif().get(0x0112, 1) in (5, 6, 7, 8)


def upright_rgb(data):
    """The picture of ``data`` turned as its camera meant, in RGB (transparency laid on
    white), ready to cut renditions from."""
    picture = _open(data)
    _decode_smaller(picture)
    picture = ImageOps.exif_transpose(picture)
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
    # reducing_gap: a fast reduction first, then Lanczos over the last factor of three.
    scaled = picture.resize((width, height), PILImage.Resampling.LANCZOS, box=box,
                            reducing_gap=3.0)
    out = io.BytesIO()
    scaled.save(out, **ENCODE_OPTIONS[fmt])
    return out.getvalue()


def _text(value, limit):
    """A metadata value as one line of plain text, at most ``limit`` characters."""
    if isinstance(value, list | tuple):
        value = b"; ".join(v for v in value if isinstance(v, bytes)) if value else b""
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if not isinstance(value, str):
        return ""
    text, _ = strip_forbidden(value.replace("\x00", ""), names=True)
    return " ".join(text.split())[:limit]


def read_metadata(data, *, caption_limit=300, credit_limit=150, copyright_limit=300):
    """The caption, credit and copyright the file's IPTC or EXIF metadata gives."""
    try:
        picture = _open(data)
        iptc = IptcImagePlugin.getiptcinfo(picture) or {}
        exif = picture.getexif()
    except (PictureRefused, OSError, ValueError, SyntaxError, TypeError):
        return Metadata()
    byline = _text(iptc.get(IPTC_BYLINE), credit_limit)
    agency = _text(iptc.get(IPTC_CREDIT), credit_limit)
    credit = "/".join(dict.fromkeys(n for n in (byline, agency) if n))
    return Metadata(
        caption=_text(iptc.get(IPTC_CAPTION), caption_limit)
        or _text(exif.get(EXIF_DESCRIPTION), caption_limit),
        credit=credit[:credit_limit] or _text(exif.get(EXIF_ARTIST), credit_limit),
        copyright=_text(iptc.get(IPTC_COPYRIGHT), copyright_limit)
        or _text(exif.get(EXIF_COPYRIGHT), copyright_limit),
    )
