"""The image library: ``Image`` (a picture, its words and its focal point) and the
renditions pages show of it.

A rendition's address is computed from the image's row alone (a storage path made of
the image's id, a token of its file and focal point, the crop and the width), and the
row lists the renditions made, so a listing of cards with pictures costs no query more
than the listing.
"""

import hashlib
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from articles.models.articles import staff_reference
from articles.models.vocabulary import NAME_TEXT, PLAIN_TEXT

# Every width a rendition is made at, in pixels (never wider than the original).
WIDTHS = (320, 480, 640, 800, 1200, 1600, 1920)
# The width of the rendition shared pages (Open Graph, Twitter, JSON-LD) point at.
SHARE_WIDTH = 1200
# Formats of each rendition, best first: the others are offered in <source> elements,
# the last is the <img> fallback every browser reads.
FORMATS = ("avif", "webp", "jpeg")
FALLBACK = "jpeg"
MIME_TYPES = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg"}
EXTENSIONS = {"avif": "avif", "webp": "webp", "jpeg": "jpg"}


@dataclass(frozen=True)
class Crop:
    """A shape renditions are cut to around the focal point: ``ratio`` None keeps the
    original's."""

    name: str
    ratio: tuple | None


@dataclass(frozen=True)
class Role:
    """Where a picture appears: its crop, the widths offered and how wide it shows
    (the ``sizes`` attribute, matching the site's CSS)."""

    crop: Crop
    widths: tuple
    sizes: str
    # The width of the <img> fallback's src (the largest made at most this wide).
    default_width: int


FULL = Crop("full", None)
LANDSCAPE = Crop("3x2", (3, 2))
SQUARE = Crop("1x1", (1, 1))
TALL = Crop("4x5", (4, 5))
CROPS = {crop.name: crop for crop in (FULL, LANDSCAPE, SQUARE, TALL)}

ROLES = {
    # An article page's own picture, the text column's width.
    "hero": Role(FULL, WIDTHS, "(min-width: 44rem) 42rem, calc(100vw - 2rem)", 800),
    # The home page's lead story.
    "lead": Role(LANDSCAPE, WIDTHS, "(min-width: 74rem) 44rem, (min-width: 48rem) 60vw, "
                 "calc(100vw - 2rem)", 800),
    # A card in a listing.
    "card": Role(LANDSCAPE, WIDTHS[:5], "(min-width: 48rem) 22rem, calc(100vw - 2rem)", 480),
    # A small square beside a headline.
    "thumb": Role(SQUARE, WIDTHS[:2], "6rem", 320),
    # A person's photo.
    "portrait": Role(TALL, WIDTHS[:3], "10rem", 320),
}
# Made when an image is uploaded, so pages show them at once; the others (and AVIF,
# slower to encode) are made by the background worker (``articles.editorial.images``).
UPLOAD_RENDITIONS = {FULL: (640, 800, SHARE_WIDTH), LANDSCAPE: (480, 800),
                     SQUARE: (320,), TALL: (320,)}
UPLOAD_FORMATS = ("webp", "jpeg")


def original_path(image, filename):
    """Where an uploaded original is stored: by month, under its own (cleaned) name."""
    from django.utils import timezone

    return timezone.now().strftime("images/%Y/%m/") + filename


@dataclass(frozen=True)
class Picture:
    """What a <picture> needs: its <source>s as (MIME type, srcset), best first, the
    <img> srcset and src (JPEG), its intrinsic size and the ``sizes`` attribute."""

    sources: tuple
    srcset: str
    src: str
    width: int
    height: int
    sizes: str


class Image(models.Model):
    """A picture in the library, reusable across articles."""

    file = models.ImageField(
        upload_to=original_path, max_length=255,
        help_text="A photo or graphic: JPEG, PNG, WebP or GIF.",
    )
    alt_text = models.CharField(
        "alt text", max_length=250, blank=True, validators=PLAIN_TEXT,
        help_text="What the image shows, for readers who cannot see it. Required before "
        "the image can lead an article.",
    )
    caption = models.CharField(max_length=300, blank=True, validators=PLAIN_TEXT)
    credit = models.CharField(
        max_length=150, blank=True, validators=NAME_TEXT,
        help_text="Who made it, e.g. Reuters or a photographer's name.",
    )
    usage_terms = models.CharField(
        "copyright and usage terms", max_length=300, blank=True, validators=PLAIN_TEXT,
        help_text="For the newsroom: who owns it and where we may use it. Readers do "
        "not see it.",
    )
    focal_x = models.FloatField(
        "focal point across", null=True, blank=True,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="0 is the left edge, 1 the right. Crops keep this point in view.",
    )
    focal_y = models.FloatField(
        "focal point down", null=True, blank=True,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="0 is the top edge, 1 the bottom.",
    )
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    # Names of the renditions made ("3x2-480.webp"), under rendition_folder.
    renditions = models.JSONField(default=list, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = staff_reference()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.alt_text or self.caption or self.file.name.rsplit("/", 1)[-1]

    @property
    def focal_point(self):
        """(x, y) in 0..1, the centre when none is set."""
        return (0.5 if self.focal_x is None else self.focal_x,
                0.5 if self.focal_y is None else self.focal_y)

    @property
    def rendition_folder(self):
        """Where this image's renditions are stored: a new file or focal point is a new
        folder, so a changed crop never reuses an address a browser has cached."""
        token = hashlib.sha1(f"{self.file.name}|{self.focal_point}".encode(),
                             usedforsecurity=False).hexdigest()[:10]
        return f"renditions/{self.pk}/{token}"

    def crop_size(self, crop, width):
        """The (width, height) of the ``crop`` of this image ``width`` pixels wide."""
        if crop.ratio is None:
            return width, max(1, round(width * self.height / max(self.width, 1)))
        return width, max(1, round(width * crop.ratio[1] / crop.ratio[0]))

    def max_crop_width(self, crop):
        """The widest the ``crop`` can be cut from the original."""
        if crop.ratio is None:
            return self.width
        across, down = crop.ratio
        return min(self.width, self.height * across // down)

    def widths_for(self, crop, widths=WIDTHS):
        """The widths of ``widths`` this image has enough pixels for, and its own
        widest when some of ``widths`` are wider (never enlarged)."""
        widest = self.max_crop_width(crop)
        fitting = tuple(w for w in widths if w <= widest)
        if widths and 0 < widest < max(widths) and widest not in fitting:
            fitting += (widest,)
        return fitting

    @staticmethod
    def rendition_name(crop, width, fmt):
        return f"{crop.name}-{width}.{EXTENSIONS[fmt]}"

    def rendition_path(self, crop, width, fmt):
        return f"{self.rendition_folder}/{self.rendition_name(crop, width, fmt)}"

    def rendition_url(self, crop, width, fmt):
        return default_storage.url(self.rendition_path(crop, width, fmt))

    def made_widths(self, crop, fmt, widths=WIDTHS):
        """The widths of ``widths`` made in ``fmt`` for ``crop``, narrowest first."""
        made = set(self.renditions)
        return [w for w in self.widths_for(crop, widths)
                if self.rendition_name(crop, w, fmt) in made]

    def share_url(self):
        """The address of the rendition shared pages point at (the whole picture, about
        SHARE_WIDTH wide, JPEG), or the original's before renditions exist."""
        made = self.made_widths(FULL, "jpeg")
        if not made:
            return self.file.url
        return self.rendition_url(FULL, min(made, key=lambda w: abs(w - SHARE_WIDTH)), "jpeg")

    def picture(self, role):
        """The Picture of this image in ``role`` (a key of ROLES), from the row alone."""
        spec = ROLES[role]
        jpegs = self.made_widths(spec.crop, FALLBACK, spec.widths)
        if not jpegs:
            # Renditions not made yet: the original, as it is.
            return Picture((), "", self.file.url, self.width, self.height, spec.sizes)
        default = max([w for w in jpegs if w <= spec.default_width] or jpegs[:1])
        width, height = self.crop_size(spec.crop, default)

        def srcset(fmt, widths):
            return ", ".join(f"{self.rendition_url(spec.crop, w, fmt)} {w}w" for w in widths)

        sources = []
        for fmt in FORMATS[:-1]:
            made = self.made_widths(spec.crop, fmt, spec.widths)
            if made:
                sources.append((MIME_TYPES[fmt], srcset(fmt, made)))
        return Picture(
            sources=tuple(sources),
            srcset=srcset(FALLBACK, jpegs),
            src=self.rendition_url(spec.crop, default, FALLBACK),
            width=width, height=height, sizes=spec.sizes,
        )
