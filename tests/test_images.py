"""The image library as readers meet it: <picture> with renditions, no query per card,
and pages refreshed when an image's words or focal point change."""

import io
import re

import pytest
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
