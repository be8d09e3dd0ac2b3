"""The image library in a real browser: an editor uploads a photo, then clicks the
preview to set the focal point crops keep in view."""

import pytest

from articles.models import Image
from tests.factories import make_editor, picture_bytes
from tests.signing_in import signed_in_page as signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_uploads_a_photo_and_clicks_its_focal_point(browser, live_server, tmp_path,
                                                              settings):
    settings.MEDIA_ROOT = tmp_path
    photo = tmp_path / "harbour.jpg"
    photo.write_bytes(picture_bytes(1200, 800))
    page = signed_in(browser, live_server, make_editor())
    page.goto(f"{live_server.url}/admin/articles/image/add/")
    page.set_input_files("#id_file", str(photo))
    page.fill("#id_alt_text", "Cranes over the harbour at dawn")
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue editing").click()
    image = Image.objects.get()
    assert (image.width, image.height) == (1200, 800)

    preview = page.locator(".field-preview img")
    box = preview.bounding_box()
    preview.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.75})
    assert page.locator(".focal-point__marker").is_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    image.refresh_from_db()
    assert image.focal_point == (pytest.approx(0.25, abs=0.02), pytest.approx(0.75, abs=0.02))
