"""export_articles --media and import_articles --media: a newsroom's pictures survive a
move to an empty database with their words, files and renditions."""

import io
import json

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from articles.models import Article, Image
from tests.factories import make_article, make_image

pytestmark = pytest.mark.django_db


def export(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("export_articles", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def import_(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_articles", *args, stdout=out, stderr=err)
    except SystemExit:
        pass
    return out.getvalue() + err.getvalue()


def records(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def archive(tmp_path):
    shared = make_image("Cranes over the port", caption="Dawn at the port",
                        credit="Asha Rao/Reuters", usage_terms="Reuters, news use only",
                        focal_x=0.25, focal_y=0.75)
    make_article("Port reopens", slug="port-reopens", hero_image=shared)
    make_article("Port strike ends", slug="port-strike-ends", hero_image=shared)
    make_article("Talks resume", slug="talks-resume",
                 hero_image=make_image("Ministers at a table", name="talks.jpg"))
    make_article("No picture", slug="no-picture")
    path, media = tmp_path / "export.jsonl", tmp_path / "media"
    export("--output", str(path), "--media", str(media))
    return path, media


def empty_newsroom(settings, folder):
    """An empty database with an empty media folder."""
    Article.objects.all().delete()
    Image.objects.all().delete()
    settings.MEDIA_ROOT = folder


def test_each_line_carries_its_image_and_each_file_is_copied_once(archive):
    path, media = archive
    lines = {r["slug"]: r["image"] for r in records(path)}
    assert lines["no-picture"] is None
    assert lines["port-reopens"] == lines["port-strike-ends"]
    image = lines["port-reopens"]
    assert image["credit"] == "Asha Rao/Reuters" and image["focal_point"] == [0.25, 0.75]
    assert image["usage_terms"] == "Reuters, news use only"
    assert (media / image["path"]).read_bytes() == default_storage.open(image["path"]).read()
    copied = sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())
    assert copied == sorted({r["path"] for r in lines.values() if r})


def test_an_export_restores_into_an_empty_newsroom_with_images_and_renditions(
    archive, settings, tmp_path, django_capture_on_commit_callbacks
):
    path, media = archive
    empty_newsroom(settings, tmp_path / "new-media")
    with django_capture_on_commit_callbacks(execute=True):
        output = import_("--media", str(media), str(path))
    assert "imported 4, skipped 0, failed 0" in output
    assert Image.objects.count() == 2
    article = Article.objects.select_related("hero_image").get(slug="port-strike-ends")
    image = article.hero_image
    assert (image.alt_text, image.credit, image.focal_point) == (
        "Cranes over the port", "Asha Rao/Reuters", (0.25, 0.75))
    assert default_storage.exists(image.file.name)
    assert "full-1200.jpg" in image.renditions and "1x1-320.webp" in image.renditions
    assert default_storage.exists(image.rendition_path(*_full_800_jpeg()))

    again = tmp_path / "again.jsonl"
    export("--output", str(again))

    def without_ids(path):
        found = records(path)
        for record in found:
            record.pop("id")
            if record["image"]:
                record["image"].pop("id")
        return found

    assert without_ids(again) == without_ids(path)


def _full_800_jpeg():
    from articles.models.images import FULL

    return FULL, 800, "jpeg"


def test_importing_twice_makes_no_second_copy_of_an_image(archive, settings, tmp_path):
    path, media = archive
    empty_newsroom(settings, tmp_path / "new-media")
    import_("--media", str(media), str(path))
    Article.objects.all().delete()
    import_("--media", str(media), str(path))
    assert Image.objects.count() == 2


def test_without_the_folder_images_not_in_storage_are_left_out_and_said_so(
    archive, settings, tmp_path
):
    path, _ = archive
    empty_newsroom(settings, tmp_path / "new-media")
    output = import_(str(path))
    assert "imported 4" in output and "2 images left out" in output
    assert not Image.objects.exists()


@pytest.mark.parametrize(("change", "reason"), [
    ({"path": "../../etc/passwd"}, "must stay inside the media folder"),
    ({"path": "/etc/passwd"}, "must stay inside the media folder"),
    ({"path": "images/missing.jpg"}, "is not in the media folder"),
    ({"focal_point": [2, 0.5]}, "less than or equal to 1"),
    ({"alt_text": "x" * 300}, "at most 250 characters"),
])
def test_a_crafted_image_record_fails_the_file_and_stores_nothing(
    archive, settings, tmp_path, change, reason
):
    path, media = archive
    lines = records(path)
    lines[0]["image"] = {**(lines[0]["image"] or lines[1]["image"]), "id": 999, **change}
    path.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    empty_newsroom(settings, tmp_path / "new-media")
    output = import_("--media", str(media), str(path))
    assert "failed 1" in output and reason in output
    assert not Article.objects.exists() and not Image.objects.exists()


def test_a_file_that_is_not_a_picture_fails_the_import(archive, settings, tmp_path):
    path, media = archive
    for file in media.rglob("*.jpg"):
        file.write_bytes(b"<svg><script>alert(1)</script></svg>")
    empty_newsroom(settings, tmp_path / "new-media")
    output = import_("--media", str(media), str(path))
    assert "failed 1" in output and "not a picture we can read" in output
    assert not Image.objects.exists()
