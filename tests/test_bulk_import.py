"""Importing at scale: wire files stored in batches and exports restored in chunks, each
file still whole or not at all, each article with its own history, one invalidation per
batch, memory that does not grow with the file, and a progress line on a terminal."""

import io
import json

import pytest
import reversion
from django.db import IntegrityError
from django.urls import reverse
from reversion.models import Version

from articles.caching import dependencies, search_words
from articles.editorial import history
from articles.models import Article
from articles.wire import batches, jsonl, plaintext
from articles.wire.exporting import export_lines
from articles.wire.files import import_files
from tests.factories import make_article, make_minister
from tests.test_importing import run

pytestmark = pytest.mark.django_db


def story(number, *, country="India"):
    return (f"date 2024-03-{number:02d} Officials from {country} met on day {number} to "
            "discuss a rail link. It would shorten freight times.\n\n"
            f"Officials said talks would resume, round {number}.\n")


def write_stories(folder, count, **kwargs):
    paths = []
    for number in range(1, count + 1):
        path = folder / f"{number:02d}.txt"
        path.write_text(story(number, **kwargs), encoding="utf-8")
        paths.append(path)
    return paths


def test_a_bad_file_in_the_middle_of_a_batch_leaves_the_others_imported(tmp_path):
    paths = write_stories(tmp_path, 5)
    paths[2].write_text("no date line here\n", encoding="utf-8")

    results = list(import_files(paths, batch_size=10))

    assert [r.outcome for r in results] == ["imported", "imported", "failed", "imported",
                                            "imported"]
    assert "line 1: first line must start with 'date YYYY-MM-DD'" in results[2].message
    assert Article.objects.count() == 4


def test_a_file_that_fails_while_stored_is_absent_and_the_rest_of_its_batch_stays(
    tmp_path, monkeypatch
):
    """The batch's inserts fail on one file's rows: the batch is stored again file by
    file, and of that file nothing stays, not even its article row."""
    paths = write_stories(tmp_path, 5)
    store_tag_rows = batches._store_tag_rows

    def clash_on_day_three(new_articles):
        if any("day 3" in new.article.headline for new in new_articles):
            raise IntegrityError("a clash on day 3")
        return store_tag_rows(new_articles)

    monkeypatch.setattr(batches, "_store_tag_rows", clash_on_day_three)

    results = list(import_files(paths, batch_size=10))

    assert [r.outcome for r in results] == ["imported", "imported", "failed", "imported",
                                            "imported"]
    assert "a clash on day 3" in results[2].message
    assert Article.objects.count() == 4
    assert not Article.objects.filter(headline__contains="day 3").exists()
    assert all(a.countries.filter(code="IN").exists() for a in Article.objects.all())


def test_the_same_text_twice_in_one_batch_and_again_later_is_one_article(tmp_path):
    paths = write_stories(tmp_path, 2)
    copy = tmp_path / "03-copy.txt"
    copy.write_bytes(b"\xef\xbb\xbf" + paths[0].read_bytes().replace(b"\n", b"\r\n"))

    first = list(import_files([*paths, copy], batch_size=10))
    again = run(str(tmp_path))

    assert [r.outcome for r in first] == ["imported", "imported", "skipped"]
    assert first[2].message == f"skipped (already imported as #{first[0].articles[0].pk})"
    assert again[0] == 0
    assert "imported 0, skipped 3, failed 0" in again[1]
    assert Article.objects.count() == 2


def test_headlines_that_clash_within_a_batch_get_distinct_slugs(tmp_path):
    make_article("Taken", slug="india-and-russia-meet")
    paths = []
    for number in range(1, 4):
        path = tmp_path / f"{number}.txt"
        path.write_text(f"date 2024-03-0{number} India and Russia meet. Round {number}.\n",
                        encoding="utf-8")
        paths.append(path)

    list(import_files(paths, batch_size=10))

    assert sorted(Article.objects.filter(headline="India and Russia meet")
                  .values_list("slug", flat=True)) == [
        "india-and-russia-meet-2", "india-and-russia-meet-3", "india-and-russia-meet-4"]


def stored_as_reversion_would(article, version):
    """Assert the version's revision holds what reversion's own would; return it."""
    stored = {(v.content_type.model, v.object_id): v.serialized_data
              for v in version.revision.version_set.all()}
    with reversion.create_revision():
        reversion.add_to_revision(article)
    [by_reversion] = Version.objects.get_for_object(article).exclude(pk=version.pk)
    assert stored == {(v.content_type.model, v.object_id): v.serialized_data
                      for v in by_reversion.revision.version_set.all()}
    return stored


def test_each_batch_imported_article_has_its_own_revision_as_reversion_would_store_it(
    tmp_path, editor_client
):
    paths = write_stories(tmp_path, 3)

    list(import_files(paths, batch_size=10))

    for article, path in zip(Article.objects.order_by("pk"), paths, strict=True):
        [version] = Version.objects.get_for_object(article)
        assert version.revision.get_comment() == f"Imported from wire file {path.name}"
        assert history.holds_only(version.revision_id, article.pk)
        stored = stored_as_reversion_would(article, version)
        assert len(stored) == 1 + article.countries.count()
        page = editor_client.get(reverse("admin:articles_article_history", args=[article.pk]))
        assert reverse("admin:articles_article_revision",
                       args=[article.pk, version.pk]) in page.content.decode()


def test_a_bulk_inserted_body_is_sanitised_and_searchable(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("date 2024-03-01 <script>alert(1)</script> Quillwort talks in Delhi.\n",
                    encoding="utf-8")

    list(import_files([path]))

    article = Article.objects.get()
    assert "<script>" not in article.body and "&lt;script&gt;" in article.body


def test_invalidation_is_called_once_per_batch_with_what_the_batch_changed(
    tmp_path, monkeypatch
):
    calls = []
    monkeypatch.setattr(plaintext, "invalidate", lambda keys: calls.append(set(keys)))
    paths = write_stories(tmp_path, 5)

    list(import_files(paths, publish=True, batch_size=2))

    india = Article.objects.first().countries.get().pk
    articles = list(Article.objects.order_by("pk"))
    by_batch = [articles[i:i + 2] for i in (0, 2, 4)]
    # Not the new articles' own keys: no page cached before the import can show them.
    # On PostgreSQL, the searches for their words, which they join.
    assert calls == [
        {f"country:{india}", "published", "search", "sitemap"}
        | set().union(*(dependencies.archive_of(a.published_at) for a in batch))
        | search_words.of_articles(a.pk for a in batch)
        for batch in by_batch
    ]


def test_an_import_in_review_leaves_readers_cached_pages_alone(tmp_path, client):
    """Nothing readers see changed, so the cached home page is still served."""
    make_article("Already on the home page")
    assert client.get("/").headers["X-Page-Cache"] == "miss"
    assert client.get("/").headers["X-Page-Cache"] == "hit"

    write_stories(tmp_path, 3)
    code, out, _ = run(str(tmp_path))

    assert "imported 3, skipped 0, failed 0" in out
    assert client.get("/").headers["X-Page-Cache"] == "hit"


def export_of(count):
    """The export lines of `count` tagged articles, deleted from the database since."""
    minister = make_minister()
    for number in range(count):
        make_article(f"Story {number}", slug=f"story-{number}", countries=["IN"],
                     ministers=[minister])
    lines = list(export_lines())
    Article.objects.all().delete()
    return lines


def test_an_export_is_read_line_by_line_and_stored_a_chunk_at_a_time(monkeypatch):
    lines = export_of(5)
    read, stored_after = [], []

    def reading():
        for line in lines:
            read.append(line)
            yield line

    store_articles = jsonl.store_articles

    def store(new_articles):
        stored_after.append(len(read))
        return store_articles(new_articles)

    monkeypatch.setattr(jsonl, "store_articles", store)

    result = jsonl.import_export_lines(lines=reading(), name="x.jsonl", chunk_size=2)

    assert stored_after == [2, 4, 5]
    assert result.created == 5
    assert Article.objects.count() == 5


def test_an_export_restored_in_chunks_keeps_tags_history_and_one_invalidation_per_chunk(
    monkeypatch,
):
    lines = export_of(3)
    calls = []
    monkeypatch.setattr(jsonl, "invalidate", lambda keys: calls.append(set(keys)))

    jsonl.import_export_lines(lines=iter(lines), name="backup.jsonl", chunk_size=2)

    assert len(calls) == 2
    for article in Article.objects.all():
        assert list(article.countries.values_list("code", flat=True)) == ["IN"]
        assert article.ministers.count() == 1
        [version] = Version.objects.get_for_object(article)
        assert "backup.jsonl, line" in version.revision.get_comment()
    assert without_ids(export_lines()) == without_ids(lines)


def test_an_imported_articles_first_version_holds_its_byline_as_reversion_would():
    """Imports store revisions by hand: the byline is in them, as in an admin save's."""
    make_article("Ports deal signed", slug="ports-deal", authors=["Meera Iyer", "Arun Kumar"])
    lines = list(export_lines())
    Article.objects.all().delete()

    jsonl.import_export_lines(lines=iter(lines), name="backup.jsonl")

    article = Article.objects.get(slug="ports-deal")
    [version] = Version.objects.get_for_object(article)
    assert history.holds_only(version.revision_id, article.pk)
    assert history.version_snapshots([version], article.pk)[0].authors == tuple(
        author.pk for author in article.ordered_authors())
    stored = stored_as_reversion_would(article, version)
    assert sum(model == "articleauthor" for model, _ in stored) == 2


def without_ids(lines):
    return [{k: v for k, v in json.loads(line).items() if k != "id"} for line in lines]


def test_a_broken_line_in_a_later_chunk_leaves_nothing_of_the_file():
    lines = export_of(5)
    lines[3] = lines[3].replace('"status": "published"', '"status": "lost"')

    with pytest.raises(plaintext.ImportFailed, match="line 4: invalid article record"):
        jsonl.import_export_lines(lines=iter(lines), name="x.jsonl", chunk_size=2)

    assert not Article.objects.exists()


def test_the_same_slug_twice_in_one_chunk_is_one_article():
    lines = export_of(1)

    result = jsonl.import_export_lines(lines=iter(lines * 2), name="x.jsonl")

    assert (result.created, result.skipped) == (1, 1)


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_terminal_gets_a_progress_line_with_rate_and_time_left(tmp_path):
    write_stories(tmp_path, 3)
    terminal = Terminal()

    code, out, err = run(str(tmp_path), stderr=terminal)

    assert code == 0
    assert out.splitlines()[-1] == "imported 3, skipped 0, failed 0"
    last = err.rstrip("\n").rsplit("\r", 1)[-1].replace("\033[K", "")
    assert last.startswith("3/3 files, 3 articles, ")
    assert " articles/s, 100% read, 0:00 left" in last


@pytest.mark.parametrize("args", [(), ("--verbosity", "0")])
def test_no_progress_line_off_a_terminal_or_at_verbosity_0(tmp_path, args):
    write_stories(tmp_path, 2)
    stderr = io.StringIO() if not args else Terminal()

    code, out, err = run(str(tmp_path), *args, stderr=stderr)

    assert code == 0 and err == ""
    assert out.splitlines()[-1] == "imported 2, skipped 0, failed 0"


def test_the_next_batch_is_read_and_tagged_without_the_database(
    tmp_path, django_assert_num_queries
):
    """What an import does in its second thread (reading and tagging the next batch
    while this one is stored) asks the database nothing: a thread's queries would go
    through a connection of its own, outside the import's transaction."""
    from articles.tagging import get_vocabulary

    make_minister("Rajnath Singh")
    vocabulary = get_vocabulary()
    files = [plaintext.read_wire_file(path.read_bytes(), name=path.name)
             for path in write_stories(tmp_path, 3)]

    with django_assert_num_queries(0):
        prepared = plaintext.prepare_wire_files(files, publish=True, vocabulary=vocabulary)

    assert [made.article.headline for _, made, _ in prepared] == [
        file.wire.headline(vocabulary) for file in files]
    assert all(made.tags["countries"] for _, made, _ in prepared)


def test_files_come_back_in_order_across_batches_and_formats(tmp_path):
    """Reading ahead changes nothing of the order: each file's result where it was
    given, a failed file and an export between wire batches included."""
    paths = write_stories(tmp_path, 5)
    broken = tmp_path / "broken.txt"
    broken.write_bytes(b"no date line here\n")
    make_article("Exported story")
    export = tmp_path / "export.jsonl"
    export.write_text("".join(export_lines(Article.objects.all())), encoding="utf-8")
    Article.objects.all().delete()

    results = list(import_files([paths[0], broken, *paths[1:3], export, *paths[3:]],
                                batch_size=2))

    assert [r.path for r in results] == [paths[0], broken, *paths[1:3], export, *paths[3:]]
    assert [r.outcome for r in results] == ["imported", "failed", "imported", "imported",
                                            "imported", "imported", "imported"]
    assert Article.objects.count() == 6


def embargoed_export(folder):
    """(An export of one story published now with an embargo until tomorrow, deleted
    since; the embargo's time)."""
    from datetime import timedelta

    from django.utils import timezone

    make_article("Embargoed story")
    record = json.loads(export_lines(Article.objects.all()).__next__())
    Article.objects.all().delete()
    embargo = timezone.now().replace(microsecond=0) + timedelta(days=1)
    record.update(status="published", published_at=timezone.now().isoformat(),
                  embargo_until=embargo.isoformat())
    export = folder / "held.jsonl"
    export.write_text(json.dumps(record) + "\n", encoding="utf-8")
    return export, embargo


def test_a_restored_line_published_before_its_embargo_is_held_until_the_embargo(tmp_path):
    """The database's embargo rule holds for a restore too (checked by moving the
    publication time, as a save does, not by a query per line)."""
    export, embargo = embargoed_export(tmp_path)

    [result] = import_files([export])

    assert result.outcome == "imported"
    restored = Article.objects.get()
    assert restored.published_at == embargo and not Article.objects.published().exists()
