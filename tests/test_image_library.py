"""The image library in the admin: uploads with the file's own credit and caption, and
every bad file refused with a reason, leaving nothing saved."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage

from articles.models import Article, Image
from articles.platform import pictures
from tests.admin_forms import article_post_data
from tests.factories import make_article, make_image, picture_bytes

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_image_add")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def upload(client, name, data, content_type="image/jpeg", **fields):
    post = {"alt_text": "A harbour at dawn", "caption": "", "credit": "", "usage_terms": "",
            "focal_x": "", "focal_y": "", **fields,
            "file": SimpleUploadedFile(name, data, content_type)}
    return client.post(ADD_URL, post)


def with_iptc(jpeg, datasets):
    """The JPEG with an IPTC block (in a Photoshop APP13 segment) holding ``datasets``."""
    iptc = b"".join(b"\x1c\x02" + bytes([number]) + struct.pack(">H", len(value)) + value
                    for number, value in datasets)
    if len(iptc) % 2:
        iptc += b"\x00"
    block = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(iptc)) + iptc
    segment = b"Photoshop 3.0\x00" + block
    return jpeg[:2] + b"\xff\xed" + struct.pack(">H", len(segment) + 2) + segment + jpeg[2:]


def png_header_only(width, height):
    """A PNG that claims ``width`` x ``height`` pixels (and holds almost none)."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0"))
            + chunk(b"IEND", b""))


def nothing_saved(tmp_media):
    return not Image.objects.exists() and not any(p.is_file() for p in tmp_media.rglob("*"))


@pytest.fixture
def tmp_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_an_upload_is_stored_with_its_renditions_and_shown_in_the_list(editor_client,
                                                                        tmp_media):
    response = upload(editor_client, "harbour.jpg", picture_bytes(2000, 1200))
    assert response.status_code == 302
    image = Image.objects.get()
    assert (image.width, image.height) == (2000, 1200)
    assert "full-1200.jpg" in image.renditions and "3x2-480.webp" in image.renditions
    listing = editor_client.get(reverse("admin:articles_image_changelist"),
                                {"q": "harbour"}).content.decode()
    assert image.picture("thumb").src in listing


def test_an_upload_takes_its_credit_and_caption_from_the_iptc_metadata(editor_client,
                                                                       tmp_media):
    data = with_iptc(picture_bytes(800, 600), [
        (80, b"Asha Rao"), (110, b"Reuters"), (120, "Cranes in Chennai’s port".encode()),
        (116, b"(c) Reuters 2026"),
    ])
    response = upload(editor_client, "cranes.jpg", data)
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.credit == "Asha Rao/Reuters"
    assert image.caption == "Cranes in Chennai’s port"
    assert image.usage_terms == "(c) Reuters 2026"
    page = editor_client.get(response["Location"]).content.decode()
    assert "Filled from the file&#x27;s metadata, please check: caption, credit" in page


def test_exif_artist_and_description_fill_in_when_there_is_no_iptc(editor_client, tmp_media):
    picture = PILImage.new("RGB", (640, 480), (20, 90, 140))
    exif = PILImage.Exif()
    exif[pictures.EXIF_ARTIST] = "Staff photographer"
    exif[pictures.EXIF_DESCRIPTION] = "The port at dawn"
    out = io.BytesIO()
    picture.save(out, "JPEG", exif=exif)
    assert upload(editor_client, "port.jpg", out.getvalue(), caption="Typed by us"
                  ).status_code == 302
    image = Image.objects.get()
    assert image.credit == "Staff photographer"
    assert image.caption == "Typed by us"  # what the editor typed wins


@pytest.mark.parametrize(("name", "data", "content_type", "reason"), [
    ("notes.jpg", b"These are my notes, not a picture.", "image/jpeg",
     "This file is not a picture we can read"),
    ("half.jpg", picture_bytes(800, 600)[:4000], "image/jpeg",
     "This picture is damaged or incomplete"),
    ("bomb.png", png_header_only(100_000, 100_000), "image/png", "too many pixels"),
    ("big.png", png_header_only(9_000, 8_000), "image/png", "at most 60 megapixels"),
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script>'
     b'<rect width="10" height="10"/></svg>', "image/svg+xml",
     "This file is not a picture we can read"),
    ("scan.tif", picture_bytes(64, 64, "TIFF"), "image/tiff",
     "TIFF pictures are not accepted"),
])
def test_a_bad_file_is_refused_with_a_reason_and_nothing_is_saved(
    editor_client, tmp_media, name, data, content_type, reason
):
    response = upload(editor_client, name, data, content_type)
    assert response.status_code == 200
    assert reason in response.content.decode()
    assert nothing_saved(tmp_media)


def test_a_file_over_the_size_limit_is_refused(editor_client, tmp_media, monkeypatch):
    monkeypatch.setattr(pictures, "MAX_BYTES", 100_000)
    response = upload(editor_client, "huge.jpg", picture_bytes(3000, 2000, quality=100))
    assert "This file is larger than" in response.content.decode()
    assert nothing_saved(tmp_media)


def test_an_image_without_alt_text_cannot_lead_an_article(editor_client):
    image = make_image(alt_text="")
    article = make_article(status=Article.Status.REVIEW)
    response = editor_client.post(change_url(article),
                                  article_post_data(article, hero_image=str(image.pk)))
    assert "This image has no alt text yet" in response.content.decode()
    assert Article.objects.get(pk=article.pk).hero_image is None


def test_an_editor_chooses_an_article_image_from_the_library(editor_client):
    image = make_image("Cranes on a barge")
    article = make_article(status=Article.Status.REVIEW)
    response = editor_client.post(change_url(article),
                                  article_post_data(article, hero_image=str(image.pk)))
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).hero_image == image


def test_a_reporter_may_upload_images_but_not_delete_them(reporter, reporter_client,
                                                          tmp_media):
    assert upload(reporter_client, "port.jpg", picture_bytes(640, 480)).status_code == 302
    assert reporter.has_perm("articles.change_image")
    assert not reporter.has_perm("articles.delete_image")


def test_the_article_form_offers_the_library_with_an_upload_button(editor_client):
    article = make_article(status=Article.Status.REVIEW)
    html = editor_client.get(change_url(article)).content.decode()
    assert 'name="hero_image"' in html and "admin-autocomplete" in html
    assert 'id="add_id_hero_image"' in html  # upload a new one without leaving the story
    found = editor_client.get(reverse("admin:autocomplete"), {
        "app_label": "articles", "model_name": "article", "field_name": "hero_image",
        "term": "barge"})
    assert found.status_code == 200


def test_the_body_keeps_no_picture_markup(editor_client):
    from articles.platform.sanitising import sanitise_html

    body = '<p>Port</p><img src="/media/renditions/1/x/full-800.jpg" onerror="x()">' \
        '<picture><source srcset="/media/a.webp"></picture>'
    assert sanitise_html(body) == "<p>Port</p>"
