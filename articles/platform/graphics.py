"""Pictures the project draws itself with Pillow (the demo's story images): a stylised
map with a route across the sea, or an abstract pattern. The same seed always draws
the same picture."""

import io
import math
import random

from PIL import Image as PILImage
from PIL import ImageDraw, ImageFilter

# (name for alt text, sea, land, land edge, route) colours.
MAP_PALETTES = [
    ("blue sea and sand-coloured land", (176, 208, 222), (226, 213, 178), (150, 130, 95),
     (196, 48, 43)),
    ("grey-green sea and olive land", (190, 207, 200), (176, 189, 140), (105, 120, 80),
     (170, 40, 90)),
    ("deep blue sea and pale land", (82, 120, 160), (232, 228, 214), (60, 80, 110),
     (240, 170, 40)),
]
# (name for alt text, background, shapes' colours).
PATTERN_PALETTES = [
    ("navy, teal and orange", (18, 36, 64), [(32, 140, 150), (232, 122, 48), (240, 230, 210)]),
    ("cream, red and charcoal", (242, 236, 224), [(190, 45, 40), (50, 50, 56), (220, 160, 60)]),
]


def _blob(rng, centre, radius, points=48):
    """A closed, coast-like outline around ``centre``."""
    cx, cy = centre
    phases = [rng.uniform(0, math.tau) for _ in range(4)]
    outline = []
    for i in range(points):
        angle = math.tau * i / points
        wobble = sum(math.sin(angle * (k + 2) + phases[k]) / (k + 2) for k in range(4))
        r = radius * (1 + 0.35 * wobble + rng.uniform(-0.04, 0.04))
        outline.append((cx + r * math.cos(angle), cy + r * 0.8 * math.sin(angle)))
    return outline


def draw_map(seed, size=(1600, 900)):
    """A stylised map: graticule, coastlines, and a dashed route between two ports.

    Returns (JPEG bytes, words for its alt text)."""
    rng = random.Random(seed)
    width, height = size
    palette, sea, land, edge, route = MAP_PALETTES[rng.randrange(len(MAP_PALETTES))]
    picture = PILImage.new("RGB", size, sea)
    draw = ImageDraw.Draw(picture)
    grid = tuple(max(c - 14, 0) for c in sea)
    for x in range(0, width, 120):
        draw.line([(x, 0), (x, height)], fill=grid, width=1)
    for y in range(0, height, 120):
        draw.line([(0, y), (width, y)], fill=grid, width=1)
    left = (rng.uniform(0.12, 0.3) * width, rng.uniform(0.3, 0.7) * height)
    right = (rng.uniform(0.7, 0.88) * width, rng.uniform(0.3, 0.7) * height)
    for centre in (left, right):
        draw.polygon(_blob(rng, centre, rng.uniform(0.16, 0.22) * width), fill=land,
                     outline=edge, width=4)
    for _ in range(rng.randint(2, 4)):  # islands
        centre = (rng.uniform(0.35, 0.65) * width, rng.uniform(0.1, 0.9) * height)
        draw.polygon(_blob(rng, centre, rng.uniform(0.015, 0.04) * width), fill=land,
                     outline=edge, width=3)
    start = (left[0] + 0.1 * width, left[1])
    end = (right[0] - 0.1 * width, right[1])
    bend = ((start[0] + end[0]) / 2, min(start[1], end[1]) - rng.uniform(0.1, 0.25) * height)
    steps = 60
    curve = [((1 - t) ** 2 * start[0] + 2 * (1 - t) * t * bend[0] + t * t * end[0],
              (1 - t) ** 2 * start[1] + 2 * (1 - t) * t * bend[1] + t * t * end[1])
             for t in (i / steps for i in range(steps + 1))]
    for i in range(0, steps, 2):
        draw.line([curve[i], curve[i + 1]], fill=route, width=8)
    for x, y in (start, end):
        draw.ellipse([x - 16, y - 16, x + 16, y + 16], fill=(255, 255, 255), outline=route,
                     width=7)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=88)
    return out.getvalue(), f"Illustrated map in {palette}: a dashed route crosses the sea " \
        "between ports on two coasts"


def draw_pattern(seed, size=(1600, 900)):
    """An abstract pattern of soft overlapping circles and bands.

    Returns (JPEG bytes, words for its alt text)."""
    rng = random.Random(seed)
    width, height = size
    palette, background, colours = PATTERN_PALETTES[rng.randrange(len(PATTERN_PALETTES))]
    picture = PILImage.new("RGB", size, background)
    layer = PILImage.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for i in range(7):
        y = rng.uniform(0, height)
        draw.rectangle([0, y, width, y + rng.uniform(20, 90)],
                       fill=(*colours[i % len(colours)], 70))
    for _ in range(9):
        r = rng.uniform(0.06, 0.2) * width
        x, y = rng.uniform(0, width), rng.uniform(0, height)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=(*rng.choice(colours), 150))
    picture = PILImage.alpha_composite(picture.convert("RGBA"),
                                       layer.filter(ImageFilter.GaussianBlur(2)))
    out = io.BytesIO()
    picture = picture.convert("RGB")
    picture.save(out, "JPEG", quality=88)
    return out.getvalue(), f"Abstract graphic of overlapping circles and bands in {palette}"
