"""export_articles: JSON Lines per DESIGN.md, streamed, and readable by import_articles."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Correction, Minister, Policy
from tests.factories import make_article, make_minister, make_policy

pytestmark = pytest.mark.django_db


def export(*args):
    out = io.StringIO()
    call_command("export_articles", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def make_tagged_article(**kwargs):
    article = make_article(
        "India and Russia agree on “corridor”",
        slug="india-and-russia-agree",
        published_at=datetime.datetime(2023, 12, 27, 12, 0, tzinfo=datetime.UTC),
        countries=["RU", "IN"],
        ministers=[make_minister("Sergey Lavrov"), make_minister("S. Jaishankar")],
        policies=[make_policy("Make in India")],
        dateline="Moscow",
        authors=["Arun Kumar", "Priya Sharma"],
        **kwargs,
    )
    Correction.objects.create(
        article=article, kind="correction", note="Corrected a name.",
        created_at=datetime.datetime(2023, 12, 28, 9, 30, tzinfo=datetime.UTC),
    )
    return article


def test_export_line_has_the_design_fields(settings):
    settings.TIME_ZONE = "Asia/Kolkata"
    article = make_tagged_article()

    record = json.loads(export())

    assert record == {
        "id": article.pk,
        "headline": "India and Russia agree on “corridor”",
        "slug": "india-and-russia-agree",
        "url": "/2023/12/27/india-and-russia-agree/",
        "status": "published",
        "published_at": "2023-12-27T17:30:00+05:30",
        "dateline": "Moscow",
        "standfirst": article.standfirst,
        "body": article.body,
        "authors": ["Arun Kumar", "Priya Sharma"],
        "author_details": [
            {"name": "Arun Kumar", "slug": "arun-kumar", "role": "", "bio": ""},
            {"name": "Priya Sharma", "slug": "priya-sharma", "role": "", "bio": ""},
        ],
        "source": "",
        "countries": ["IN", "RU"],
        "ministers": ["S. Jaishankar", "Sergey Lavrov"],
        "policies": ["Make in India"],
        "mentions": {"countries": [], "ministers": [], "policies": []},
        "corrections": [
            {"kind": "correction", "note": "Corrected a name.",
             "created_at": "2023-12-28T15:00:00+05:30"}
        ],
        "headline_needs_review": False,
        "fingerprint": None,
        "mentions_removed": {"countries": [], "ministers": [], "policies": []},
        "retired_addresses": [],
        "image": None,
    }


def test_export_writes_to_a_file(tmp_path):
    make_article(status=Article.Status.DRAFT)
    path = tmp_path / "out.jsonl"
    assert "exported 1 articles" in export("--output", str(path))
    assert json.loads(path.read_text(encoding="utf-8"))["status"] == "draft"


def test_export_query_count_does_not_grow_with_articles():
    make_article(countries=["IN"])
    with CaptureQueriesContext(connection) as few:
        export()
    for _ in range(30):
        make_article(countries=["IN", "RU"])
    with CaptureQueriesContext(connection) as many:
        lines = export().splitlines()
    assert len(lines) == 31
    assert len(many.captured_queries) == len(few.captured_queries)


def test_export_then_import_into_empty_database_then_export_gives_same_lines(tmp_path):
    make_tagged_article()
    make_article("A draft with no tags", status=Article.Status.DRAFT, slug="draft-one")
    make_article("Scheduled", slug="later",
                 published_at=(timezone.now() + datetime.timedelta(days=90)).replace(
                     microsecond=0))
    first = tmp_path / "first.jsonl"
    export("--output", str(first))

    Article.objects.all().delete()
    Minister.objects.all().delete()
    Policy.objects.all().delete()
    call_command("import_articles", str(first), stdout=io.StringIO())
    second = tmp_path / "second.jsonl"
    export("--output", str(second))

    def without_ids(path):
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        for record in records:
            record.pop("id")
        return records

    assert without_ids(second) == without_ids(first)
    assert Minister.objects.count() == 2


def test_a_restored_archive_still_refuses_wire_copy_it_already_holds(tmp_path):
    """After export and restore, importing the original wire file again creates nothing."""
    wire = tmp_path / "wire.txt"
    wire.write_text("date 2024-03-01 Ministers met in Delhi on Friday. They agreed.\n",
                    encoding="utf-8")
    call_command("import_articles", str(wire), stdout=io.StringIO())
    dump = tmp_path / "dump.jsonl"
    export("--output", str(dump))
    assert json.loads(dump.read_text(encoding="utf-8"))["url"] is None  # not published

    Article.objects.all().delete()
    call_command("import_articles", str(dump), stdout=io.StringIO())
    restored = Article.objects.get()
    assert restored.headline_needs_review and restored.fingerprint

    out = io.StringIO()
    call_command("import_articles", str(wire), stdout=out)
    assert "imported 0, skipped 1, failed 0" in out.getvalue()


def test_importing_an_export_twice_skips_what_exists(tmp_path):
    make_tagged_article()
    path = tmp_path / "export.jsonl"
    export("--output", str(path))
    out = io.StringIO()

    call_command("import_articles", str(path), stdout=out)

    assert "imported 0, skipped 1, failed 0" in out.getvalue()
    assert Article.objects.count() == 1


def test_a_broken_export_line_fails_the_whole_file(tmp_path):
    make_tagged_article()
    path = tmp_path / "export.jsonl"
    export("--output", str(path))
    good = json.loads(path.read_text(encoding="utf-8"))
    Article.objects.all().delete()
    good["slug"] = "another-slug"
    path.write_text(
        json.dumps(good) + "\n" + json.dumps(dict(good, slug="x", countries=["XX"])) + "\n",
        encoding="utf-8",
    )
    err = io.StringIO()

    with pytest.raises(SystemExit):
        call_command("import_articles", str(path), stdout=io.StringIO(), stderr=err)

    assert "line 2: invalid article record: unknown country codes ['XX']" in err.getvalue()
    assert not Article.objects.exists()
