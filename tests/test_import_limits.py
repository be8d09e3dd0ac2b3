"""import_articles and load_vocabulary keep to their limits: the size limit per export
line, dates within the accepted range, names that fit their columns, and never a symbolic
link followed."""

import io
import json

import pytest

from articles.models import Article, Minister
from articles.tagging.vocabulary import VocabularyError, load_vocabulary
from articles.wire.files import import_file
from articles.wire.jsonl import export_file_lines
from articles.wire.plaintext import ImportFailed
from tests.test_importing import run

pytestmark = pytest.mark.django_db

STORY = "date 2024-03-14 Ministers met in Delhi on Thursday. They agreed.\n"


def export_line(slug, **fields):
    return json.dumps({"headline": slug.title(), "slug": slug, "status": "draft", **fields})


# --- one export line is held to the wire files' size limit --------------------------------


def test_an_export_line_over_the_size_limit_fails_the_file_with_its_line(tmp_path, settings):
    settings.NEWSROOM_IMPORT_MAX_BYTES = 1000
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join([
        export_line("first"), export_line("giant", body="<p>" + "x" * 5000 + "</p>"),
        export_line("third"),
    ]) + "\n", encoding="utf-8")
    code, _, err = run(str(path))
    assert code == 1
    assert "line 2: line is over the limit of 1000 bytes (NEWSROOM_IMPORT_MAX_BYTES)" in err
    assert not Article.objects.exists()


def test_an_export_bigger_than_the_limit_imports_when_every_line_is_within_it(
    tmp_path, settings
):
    settings.NEWSROOM_IMPORT_MAX_BYTES = 1000
    lines = [export_line(f"story-{n}", body="<p>" + "y" * 300 + "</p>") for n in range(10)]
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert path.stat().st_size > 3000
    result = import_file(path)
    assert result.message == "imported 10, skipped 0 (export)"


def test_a_line_of_exactly_the_limit_is_accepted():
    line = b'{"a": "' + b"x" * 91 + b'"}'
    assert len(line) == 100
    handle = io.BytesIO(line + b"\n" + line)
    assert [len(text) for text in export_file_lines(handle, max_bytes=100)] == [101, 100]


class ReadRecorder(io.BytesIO):
    """Records how much each read asked for and got."""

    def __init__(self, data):
        super().__init__(data)
        self.largest = 0

    def readline(self, size=-1):
        line = super().readline(size)
        self.largest = max(self.largest, len(line))
        return line


def test_a_giant_line_is_refused_without_being_read_whole():
    handle = ReadRecorder(b'{"ok": 1}\n' + b"z" * 10_000_000 + b"\n")
    with pytest.raises(ImportFailed, match="line 2: line is over the limit of 1000"):
        list(export_file_lines(handle, max_bytes=1000))
    assert handle.largest <= 1001


def test_an_export_line_that_is_not_utf8_names_its_line():
    handle = io.BytesIO(b'{"a": 1}\n{"b": "caf\xe9"}\n')
    with pytest.raises(ImportFailed, match=r"line 2: not UTF-8 text \(invalid byte 0xe9\)"):
        list(export_file_lines(handle, max_bytes=1000))


def test_an_export_with_a_bom_still_reads(tmp_path):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + export_line("with-bom").encode() + b"\n")
    assert import_file(path).message == "imported 1, skipped 0 (export)"


# --- dates within the accepted range --------------------------------------------------------


@pytest.mark.parametrize(("fields", "reason"), [
    ({"status": "published", "published_at": "9999-12-31T12:00:00+00:00"},
     "line 1: invalid article record: published_at 9999-12-31 is outside the accepted "
     "publication dates, 1900-01-01 to"),
    ({"status": "published", "published_at": "1066-10-14T09:00:00+00:00"},
     "published_at 1066-10-14 is outside"),
    ({"corrections": [{"note": "Fixed.", "created_at": "9999-01-01T00:00:00+00:00"}]},
     "correction created_at 9999-01-01 is outside"),
])
def test_export_times_outside_the_accepted_dates_fail_the_file(tmp_path, fields, reason):
    path = tmp_path / "export.jsonl"
    path.write_text(export_line("dated", **fields) + "\n", encoding="utf-8")
    result = import_file(path)
    assert result.outcome == "failed" and reason in result.message
    assert not Article.objects.exists()


# --- names and texts that fit their columns ------------------------------------------------


@pytest.mark.parametrize(("fields", "reason"), [
    ({"headline": "h" * 201}, "line 1: invalid article record: headline: Ensure this value "
     "has at most 200 characters (it has 201)."),
    ({"ministers": ["m" * 101]}, "line 1: invalid article record: minister 'mmmm"),
    ({"ministers": [" "]}, "line 1: invalid article record: minister '': This field "
     "cannot be blank."),
    ({"policies": [""]}, "line 1: invalid article record: policy '': This field cannot be "
     "blank."),
])
def test_an_export_line_with_text_too_long_or_empty_fails_with_its_line(
    tmp_path, fields, reason
):
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps({"slug": "s", "headline": "H", **fields}) + "\n",
                    encoding="utf-8")
    result = import_file(path)
    assert result.outcome == "failed" and result.message.startswith(reason)
    assert not Article.objects.exists() and not Minister.objects.exists()


def test_vocabulary_names_longer_than_their_column_are_refused_before_writing():
    with pytest.raises(VocabularyError) as refused:
        load_vocabulary(data={"ministers": [
            {"name": "Fine"}, {"name": "n" * 101, "office": "o" * 201}]})
    assert refused.value.errors == [
        "ministers[1].name: longer than 100 characters",
        "ministers[1].office: longer than 200 characters",
    ]
    assert not Minister.objects.exists()


# --- symbolic links are not followed ----------------------------------------------------------


def test_a_symlink_in_a_folder_is_named_and_not_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(STORY, encoding="utf-8")
    folder = tmp_path / "wire"
    folder.mkdir()
    (folder / "real.txt").write_text(STORY.replace("Thursday", "Friday"), encoding="utf-8")
    (folder / "link.txt").symlink_to(outside / "secret.txt")
    (folder / "linked-dir").symlink_to(outside, target_is_directory=True)

    code, out, err = run(str(folder))

    assert code == 1
    assert f"{folder / 'link.txt'}: failed: is a symbolic link; not followed" in err
    assert "secret" not in out and "linked-dir" not in out + err
    assert Article.objects.count() == 1
    assert "imported 1, skipped 0, failed 1" in out


@pytest.mark.parametrize("target", ["story.txt", "export.jsonl", "folder"])
def test_a_symlink_given_directly_is_refused(tmp_path, target):
    (tmp_path / "story.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "export.jsonl").write_text(export_line("x") + "\n", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "inside.txt").write_text(STORY, encoding="utf-8")
    link = tmp_path / f"link-{target}"
    link.symlink_to(tmp_path / target)

    code, _, err = run(str(link))

    assert code == 1
    assert f"{link}: failed: is a symbolic link; not followed" in err
    assert not Article.objects.exists()


def test_a_file_swapped_for_a_symlink_after_listing_is_not_followed(tmp_path, monkeypatch):
    """The open itself refuses a link, whatever was checked before it."""
    (tmp_path / "secret.txt").write_text(STORY, encoding="utf-8")
    link = tmp_path / "story.txt"
    link.symlink_to(tmp_path / "secret.txt")
    monkeypatch.setattr("pathlib.Path.is_symlink", lambda self: False)
    result = import_file(link)
    assert result.outcome == "failed" and result.message == "is a symbolic link; not followed"
