"""The image library as readers meet it: <picture> with renditions, no query per card,
and pages refreshed when an image's words or focal point change."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from PIL import Image as PILImage

from articles.editorial import images
from articles.models import Article, Image
from articles.models.images import FULL, LANDSCAPE
from articles.public import selectors
from tests.factories import make_article, make_image

pytestmark = pytest.mark.django_db


def picture(image, role="card", eager=False):
    return render_to_string("includes/picture.html",
                            {"image": image, "role": role, "eager": eager})


def test_no_image_renders_nothing():
    assert picture(None).strip() == ""


def test_a_card_picture_offers_webp_and_jpeg_widths_lazily_with_its_size():
    image = make_image("Harbour cranes at dusk", width=1600, height=1000)
    html = picture(image, "card")
    webp = re.search(r'<source type="image/webp" srcset="([^"]+)"', html).group(1)
    assert "3x2-480.webp 480w" in webp and "3x2-800.webp 800w" in webp
    assert re.search(r'<img src="[^"]+/3x2-480\.jpg"', html)
    assert 'width="480" height="320"' in html  # 3:2, no layout shift
    assert 'loading="lazy"' in html and "fetchpriority" not in html
    assert 'alt="Harbour cranes at dusk"' in html


def test_the_worker_adds_avif_and_every_width_offered_best_format_first(
    django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        image = make_image(width=2000, height=1250)
    assert "avif" not in picture(image, "hero")  # slower to encode: not at upload
    for task in queued:  # the worker's part (tasks run in this process in tests)
        task()
    image.refresh_from_db()
    html = picture(image, "hero")
    assert html.index('type="image/avif"') < html.index('type="image/webp"')
    assert set(re.findall(r" (\d+)w", html)) == {"320", "480", "640", "800", "1200", "1600",
                                                     "1920"}


def test_the_lead_picture_is_fetched_first():
    html = picture(make_image(), "lead", eager=True)
    assert 'fetchpriority="high"' in html and 'loading="lazy"' not in html


def test_a_small_image_is_never_enlarged():
    image = make_image(width=400, height=300)
    images.make_renditions(image)  # the worker's part too
    html = picture(image, "hero")
    widths = set(re.findall(r" (\d+)w", html))
    assert widths == {"320", "400"}  # 320 is a standard width; 400 the original's
    assert image.widths_for(FULL, (640, 800, 1200)) == (400,)
    assert 'width="400" height="300"' in html


def test_renditions_keep_the_focal_point_in_the_crop():
    # A tall picture, white at the bottom: a 3:2 crop around a focal point low down
    # shows the white, one around the top does not.
    tall = PILImage.new("RGB", (1000, 2000), (0, 0, 0))
    tall.paste((255, 255, 255), (0, 1500, 1000, 2000))
    data = io.BytesIO()
    tall.save(data, "PNG")

    def crop_brightness(focal_y):
        image = images.image_save(
            image=Image(file=SimpleUploadedFile("tall.png", data.getvalue()), alt_text="x",
                        focal_x=0.5, focal_y=focal_y),
            by=None, new_file=True)
        with image.file.storage.open(image.rendition_path(LANDSCAPE, 480, "jpeg")) as f:
            made = PILImage.open(f)
            made.load()
        return made.size, made.convert("L").getpixel((240, 300))

    assert crop_brightness(0.95) == ((480, 320), pytest.approx(255, abs=8))
    assert crop_brightness(0.05)[1] == pytest.approx(0, abs=8)


def test_a_page_of_twenty_cards_with_pictures_costs_one_query():
    image = make_image()
    for n in range(20):
        make_article(f"Story {n}", hero_image=image)
    with CaptureQueriesContext(connection) as queries:
        cards = selectors.referenced_cards(selectors.listing()[:20])
        html = "".join(picture(card.article.hero_image) for card in cards)
    assert len(queries) == 1
    assert html.count("<picture") == 20


def test_a_changed_alt_text_shows_at_once_on_the_cached_article_page(client):
    image = make_image("Cranes on a barge")
    article = make_article("Harbour cranes arrive", hero_image=image)
    client.get(article.get_absolute_url())
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"
    other = make_article("Another story")
    client.get(other.get_absolute_url())

    image.alt_text = "Two yellow cranes on a barge"
    images.image_save(image=image, by=None)

    response = client.get(article.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert 'alt="Two yellow cranes on a barge"' in response.content.decode()
    assert client.get(other.get_absolute_url())["X-Page-Cache"] == "hit"


def test_a_moved_focal_point_gives_new_rendition_addresses(client):
    image = make_image()
    article = make_article("Harbour cranes arrive", hero_image=image)
    before = client.get(article.get_absolute_url()).content.decode()
    image.focal_x = 0.1
    images.image_save(image=image, by=None)
    after = client.get(article.get_absolute_url()).content.decode()
    folder = image.rendition_folder
    assert folder not in before and folder in after


def test_a_deleted_image_leaves_the_article_without_a_picture(client):
    image = make_image()
    article = make_article("Harbour cranes arrive", hero_image=image)
    assert "<picture" in client.get(article.get_absolute_url()).content.decode()
    image.delete()
    assert Article.objects.get(pk=article.pk).hero_image is None
    assert "<picture" not in client.get(article.get_absolute_url()).content.decode()


def photo_like(width=3000, height=2000):
    """A JPEG as hard to compress as a grainy photo: gradients at several scales and
    fine noise (harder than most real photos)."""
    def noise(scale, sigma):
        return PILImage.effect_noise((width // scale, height // scale), sigma).resize(
            (width, height), PILImage.Resampling.BICUBIC)
    coarse, mid, fine = noise(40, 80), noise(6, 40), PILImage.effect_noise((width, height), 10)
    picture = PILImage.merge("RGB", (
        PILImage.blend(PILImage.blend(coarse, mid, 0.4), fine, 0.15),
        PILImage.blend(PILImage.blend(mid, coarse, 0.3), fine, 0.15),
        PILImage.blend(coarse, fine, 0.5)))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=90)
    return out.getvalue()


def slot_width(sizes, viewport):
    """The CSS pixels a ``sizes`` attribute (of the forms ROLES uses) gives at
    ``viewport`` px wide, 1rem being 16px."""
    for entry in sizes.split(", "):
        length = entry
        if entry.startswith("("):
            condition, length = entry[1:].split(") ", 1)
            if viewport < float(condition.removeprefix("min-width: ").removesuffix("rem")) * 16:
                continue
        if length.startswith("calc(100vw - "):
            return viewport - float(length[13:].removesuffix("rem)")) * 16
        if length.endswith("vw"):
            return viewport * float(length[:-2]) / 100
        return float(length.removesuffix("rem")) * 16
    raise AssertionError(f"no length in {sizes!r}")


@pytest.mark.parametrize("mime", ["image/avif", "image/webp", "image/jpeg"])
def test_an_article_with_its_picture_weighs_under_150_kib_on_a_360_px_phone(client, mime):
    """HTML + CSS + the rendition a 360 px phone (2 device pixels a CSS pixel) picks,
    whichever format it reads: under 150 KiB, even for a grainy 6-megapixel photo."""
    from django.contrib.staticfiles import finders
    from django.core.files.storage import default_storage

    image = images.image_save(image=Image(
        file=SimpleUploadedFile("grainy.jpg", photo_like()), alt_text="A grainy photo"),
        by=None, new_file=True)
    images.make_renditions(image, crop=FULL)
    article = make_article("Harbour cranes arrive", hero_image=image)
    html = client.get(article.get_absolute_url()).content
    page = html.decode()
    hero = re.search(r'<picture class="picture picture--hero">.*?</picture>', page).group(0)
    if mime == "image/jpeg":
        srcset, sizes = re.search(r'<img src="[^"]+" srcset="([^"]+)" sizes="([^"]+)"',
                                  hero).groups()
    else:
        srcset, sizes = re.search(f'<source type="{mime}" srcset="([^"]+)" sizes="([^"]+)"',
                                  hero).groups()
    needed = slot_width(sizes, 360) * 2
    candidates = sorted((int(w[:-1]), url) for url, w in (c.split(" ") for c in
                                                          srcset.split(", ")))
    width, url = next(((w, u) for w, u in candidates if w >= needed), candidates[-1])
    rendition = default_storage.size(url.removeprefix(settings.MEDIA_URL))
    css = Path(finders.find("css/site.css")).stat().st_size
    total = len(html) + css + rendition
    print(f"{mime}: {width} px, HTML {len(html)} + CSS {css} + picture {rendition} = "
          f"{total / 1024:.1f} KiB")
    assert width == 800
    assert total < 150 * 1024


def test_every_public_page_costs_the_same_queries_when_its_articles_have_pictures(client):
    from tests.public_data import build_newsroom
    from tests.test_public_queries import count_queries, page_urls

    room = build_newsroom(published=20)
    without = {url: count_queries(client, url) for url in page_urls(room)}
    Article.objects.update(hero_image=make_image())
    with_pictures = {url: count_queries(client, url) for url in page_urls(room)}
    assert with_pictures == without
