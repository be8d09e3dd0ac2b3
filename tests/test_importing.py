"""import_articles: wire files become articles; bad files fail alone with a clear reason."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from articles.models import Article
from articles.wire.plaintext import derive_headline, parse_wire
from tests.factories import make_minister, make_policy

pytestmark = pytest.mark.django_db

STORY = (
    " date 2024-03-14 Ministers from Kazakhstan and India agreed on Thursday to study a "
    "new rail link through Iran. It would shorten freight times.\n"
    "\n"
    "Officials said the link would join the corridor already used for trade.\n"
)


def run(*args, stderr=None):
    """Run the command; return (exit code, stdout, stderr)."""
    import io

    out, err = io.StringIO(), stderr or io.StringIO()
    try:
        call_command("import_articles", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


def write(folder, name, content):
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def test_wire_file_becomes_an_article_in_review(tmp_path):
    path = write(tmp_path, "a.txt", STORY)

    code, out, _ = run(str(path))

    article = Article.objects.get()
    assert code == 0
    assert article.status == Article.Status.REVIEW
    assert article.published_at is None
    assert article.headline == (
        "Ministers from Kazakhstan and India agreed on Thursday to study a new rail link "
        "through Iran"
    )
    assert article.headline_needs_review is True
    assert article.slug.startswith("ministers-from-kazakhstan-and-india")
    assert article.body == (
        "<p>Ministers from Kazakhstan and India agreed on Thursday to study a new rail link "
        "through Iran. It would shorten freight times.</p>"
        "<p>Officials said the link would join the corridor already used for trade.</p>"
    )
    assert f"imported as #{article.pk}" in out
    assert out.strip().endswith("imported 1, skipped 0, failed 0")


def test_import_applies_suggested_tags_unless_no_autotag(tmp_path):
    write(tmp_path, "a.txt", STORY)
    run(str(tmp_path / "a.txt"))
    assert sorted(Article.objects.get().countries.values_list("code", flat=True)) == [
        "IN", "IR", "KZ"
    ]

    write(tmp_path, "b.txt", STORY.replace("2024-03-14", "2024-03-15"))
    run("--no-autotag", str(tmp_path / "b.txt"))
    assert not Article.objects.get(headline_needs_review=True, countries=None).countries.exists()


@pytest.mark.parametrize("time_zone", ["UTC", "Asia/Kolkata"])
def test_publish_sets_noon_on_the_files_date_in_the_newsroom_time_zone(
    tmp_path, settings, time_zone
):
    settings.TIME_ZONE = time_zone
    run("--publish", str(write(tmp_path, "a.txt", STORY)))

    article = Article.objects.get()
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at == datetime.datetime(
        2024, 3, 14, 12, 0, tzinfo=ZoneInfo(time_zone)
    )


@time_machine.travel(datetime.datetime(2024, 3, 1, tzinfo=datetime.UTC))
def test_publish_with_a_future_date_schedules(tmp_path):
    run("--publish", str(write(tmp_path, "a.txt", STORY)))
    article = Article.objects.get()
    assert article.is_scheduled
    assert not Article.objects.published().exists()


def test_same_text_twice_is_skipped_even_with_bom_and_crlf(tmp_path):
    first = write(tmp_path, "a.txt", STORY)
    run(str(first))
    again = write(tmp_path, "copy.txt", b"\xef\xbb\xbf" + STORY.replace("\n", "\r\n").encode())

    code, out, _ = run(str(again))

    article = Article.objects.get()
    assert code == 0
    assert f"skipped (already imported as #{article.pk})" in out
    assert out.strip().endswith("imported 0, skipped 1, failed 0")


def test_html_in_the_wire_text_is_escaped_and_typography_kept(tmp_path):
    text = " date 2024-01-02 A test <script>alert('x')</script> of “quotes” — and Türkiye.\n"
    run(str(write(tmp_path, "a.txt", text)))
    body = Article.objects.get().body
    assert "<script>" not in body
    assert "&lt;script&gt;" in body
    assert "“quotes” — and Türkiye" in body


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"  \n\t\n  \r\n", "empty file"),
        (b"\n\nHeadline without a date\n\nText.", "line 3: first line must start with 'date"),
        (b"date 2023-02-30 Leap day that was not.", "line 1: impossible date 2023-02-30"),
        (b"date 27/12/2023 Other format.", "line 1: date '27/12/2023' is not in the format"),
        (b"date 2023-12-27 Caf\xe9 latin-1 text.", "line 1: not UTF-8 text"),
        (b"date 2023-12-27 ok\n\nbinary\x00\x01\x02", "line 3: binary content (NUL byte)"),
        (b"date 9999-12-31 Far ahead.", "line 1: date 9999-12-31 is outside the accepted"),
        (b"date 1899-12-31 Long ago.", "line 1: date 1899-12-31 is outside the accepted"),
    ],
)
def test_bad_file_fails_with_reason_and_line_and_others_still_import(tmp_path, content, reason):
    bad = write(tmp_path, "bad.txt", content)
    good = write(tmp_path, "good.txt", STORY)

    code, out, err = run(str(bad), str(good))

    assert code == 1
    assert f"{bad}: failed: {reason}" in err
    assert Article.objects.count() == 1
    assert out.strip().endswith("imported 1, skipped 0, failed 1")


def test_file_over_the_size_limit_fails(tmp_path, settings):
    settings.NEWSROOM_IMPORT_MAX_BYTES = 100
    code, _, err = run(str(write(tmp_path, "big.txt", STORY)))
    assert code == 1
    assert "over the limit of 100" in err
    assert not Article.objects.exists()


def test_a_failure_inside_the_import_stores_nothing_of_that_file(tmp_path, monkeypatch):
    def broken(new_articles):
        raise RuntimeError("tag rows down")

    # After the article's own row is written, before its tags: the row must not stay.
    monkeypatch.setattr("articles.wire.batches._store_tag_rows", broken)
    code, _, err = run(str(write(tmp_path, "a.txt", STORY)))
    assert code == 1
    assert "a.txt: failed: not stored (RuntimeError: tag rows down)" in err
    assert not Article.objects.exists()


def test_folders_are_searched_recursively_for_txt(tmp_path):
    nested = tmp_path / "2024" / "03"
    nested.mkdir(parents=True)
    write(tmp_path, "one.txt", STORY)
    write(nested, "two.txt", STORY.replace("Thursday", "Friday"))
    write(nested, "notes.md", "not a wire file")
    write(nested, "._two.txt", b"\x00\x05 macOS resource fork")
    write(tmp_path, "THREE.TXT", STORY.replace("Thursday", "Monday"))

    code, out, _ = run(str(tmp_path))

    assert code == 0
    assert Article.objects.count() == 3
    assert "imported 3, skipped 0, failed 0" in out


def test_clashing_headlines_get_distinct_slugs(tmp_path):
    run(str(write(tmp_path, "a.txt", STORY)))
    run(str(write(tmp_path, "b.txt", STORY + "\nOne more paragraph.\n")))
    slugs = sorted(Article.objects.values_list("slug", flat=True))
    assert slugs[1] == slugs[0] + "-2"


def test_import_is_recorded_as_a_revision(tmp_path):
    import reversion
    from reversion.models import Version

    run(str(write(tmp_path, "a.txt", STORY)))
    if not reversion.is_registered(Article):
        pytest.skip("Article is not registered with django-reversion in this build")
    version = Version.objects.get_for_object(Article.objects.get()).get()
    assert version.revision.get_comment() == "Imported from wire file a.txt"


def test_seed_minister_and_policy_spellings_are_tagged_on_import(tmp_path):
    make_minister("Sergey Lavrov", aliases=["Lavrov"])
    make_policy("Make in India", aliases=["Made in India"])
    text = " date 2023-12-27 Mr Lavrov backed the ‘Made In India’ programme in Moscow.\n"
    run(str(write(tmp_path, "a.txt", text)))
    article = Article.objects.get()
    assert list(article.ministers.names()) == ["Sergey Lavrov"]
    assert list(article.policies.names()) == ["Make in India"]


@pytest.mark.parametrize(
    ("paragraph", "headline"),
    [
        ("Mr. Lavrov met S. Jaishankar in the U.S. capital. They talked.",
         "Mr. Lavrov met S. Jaishankar in the U.S. capital"),
        ("Talks ended. Nothing else.", "Talks ended"),
        ("Why now? Because.", "Why now?"),
        ("“We agree,” he said. Then left.", "“We agree,” he said"),
        ("Prices rose 2.5 per cent in Jan. The bank said so.",
         "Prices rose 2.5 per cent in Jan. The bank said so"),
        ("word " * 40, ("word " * 18).strip()),
    ],
)
def test_headline_is_the_first_sentence_cut_at_a_word_boundary(paragraph, headline):
    derived = derive_headline(paragraph)
    assert derived == headline
    assert len(derived) <= 90


def test_fingerprint_ignores_whitespace_line_ends_and_bom():
    one = parse_wire("date 2024-01-01 Some  text\nwrapped.\n\nNext.")
    two = parse_wire("  date 2024-01-01 Some text wrapped.\n   \n\n\nNext.  \n")
    assert one.fingerprint == two.fingerprint
    assert one.paragraphs == ["Some text wrapped.", "Next."]
