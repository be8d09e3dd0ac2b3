"""A write makes stale only the searches it changes (PostgreSQL's full-text search):
those for the words it adds, removes or moves, for every word of a story that joins
or leaves the results, and for the tags a search names. The other searches stay
cached: one edit a second no longer re-renders every search page of the site."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from articles.caching import dependencies, edges, search_words
from articles.editorial import services
from articles.wire.files import import_files
from tests.factories import make_article, make_editor, make_minister
from tests.test_dependency_invalidation import cached, read

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="full-text search is PostgreSQL's"),
]


def edit(stories, name, **fields):
    """Save the story with these fields changed, as the desk does."""
    story = stories[name]
    for field, value in fields.items():
        setattr(story, field, value)
    services.article_save(article=story, by=stories["editor"])


@pytest.fixture
def stories():
    now = timezone.now()
    return {
        "editor": make_editor(),
        "delhi": make_article("Delhi hosts the freight talks", slug="delhi-talks",
                              standfirst="Officials met on the rail corridor.",
                              body="<p>The corridor would carry freight by rail.</p>",
                              published_at=now - timedelta(hours=1)),
        "grain": make_article("Moscow sets its grain quota", slug="grain-quota",
                              standfirst="Exporters wait for the quota.",
                              body="<p>The quota covers wheat and barley.</p>",
                              published_at=now - timedelta(hours=2)),
    }


def test_an_edit_changes_the_searches_for_the_words_it_changed_and_no_other(
        client, stories):
    gained, lost, other = "/search/?q=tariff", "/search/?q=freight", "/search/?q=barley"
    untouched_feed = "/search/feed/?q=barley"
    cached(client, gained, lost, other, untouched_feed)
    assert "Delhi hosts" not in read(client, gained).content.decode()

    edit(stories, "delhi", headline="Delhi hosts the tariff talks",
         body="<p>The corridor would carry goods by rail.</p>")

    found = read(client, gained)
    assert found["X-Page-Cache"] == "miss"
    assert "Delhi hosts the tariff talks" in found.content.decode()
    gone = read(client, lost)
    assert gone["X-Page-Cache"] == "miss"
    assert "Delhi hosts" not in gone.content.decode()
    for url in (other, untouched_feed):
        assert read(client, url)["X-Page-Cache"] == "hit", url


def test_an_edit_that_moves_a_words_weight_changes_its_search(client, stories):
    """The same word, from the body to the headline, ranks the story differently."""
    cached(client, "/search/?q=wheat")
    edit(stories, "grain", headline="Moscow sets its wheat quota")
    assert read(client, "/search/?q=wheat")["X-Page-Cache"] == "miss"


def test_a_publication_changes_the_searches_for_each_of_its_words(client, stories):
    pipeline, barley = "/search/?q=pipeline", "/search/?q=barley"
    cached(client, pipeline, barley, "/search/feed/?q=pipeline")

    make_article("Moscow and Beijing sign a pipeline deal", slug="pipeline-deal",
                 standfirst="Gas would flow east.", body="<p>The pipeline runs east.</p>",
                 published_at=timezone.now())

    for url in (pipeline, "/search/feed/?q=pipeline"):
        found = read(client, url)
        assert found["X-Page-Cache"] == "miss", url
        assert "pipeline deal" in found.content.decode(), url
    assert read(client, barley)["X-Page-Cache"] == "hit"


def test_a_withdrawal_takes_the_story_out_of_the_searches_for_its_words(client, stories):
    cached(client, "/search/?q=barley", "/search/?q=freight")
    services.article_withdraw(article=stories["grain"], by=stories["editor"],
                              reason="Legal advice.")
    assert "grain quota" not in read(client, "/search/?q=barley").content.decode()
    assert read(client, "/search/?q=freight")["X-Page-Cache"] == "hit"


def test_a_deleted_story_leaves_the_searches_for_its_words(client, stories):
    cached(client, "/search/?q=barley")
    stories["grain"].delete()
    assert "grain quota" not in read(client, "/search/?q=barley").content.decode()


def test_an_excluded_word_gained_changes_the_search_that_excludes_it(client, stories):
    url = "/search/?q=quota+-wheat"
    read(client, url)
    edit(stories, "grain", body="<p>The quota covers rye and barley.</p>")
    assert "grain quota" in read(client, url).content.decode()


def test_a_search_that_only_excludes_words_takes_in_new_stories(client, stories):
    """"-tariff" lists the newest stories without the word: any publication may join."""
    url = "/search/?q=-tariff"
    cached(client, url)
    make_article("Zeppelin museum opens", slug="zeppelin", standfirst="Airships on show.",
                 body="<p>Visitors queued.</p>", published_at=timezone.now())
    assert "Zeppelin museum opens" in read(client, url).content.decode()


def test_an_edit_that_joins_two_words_into_the_searched_phrase_changes_its_search(
        client, stories):
    url = '/search/?q="rail+freight"'
    cached(client, url)
    assert "Delhi hosts" not in read(client, url).content.decode()
    edit(stories, "delhi", body="<p>The corridor would carry rail freight.</p>")
    assert "Delhi hosts" in read(client, url).content.decode()


def vector(headline, body):
    """A story's search vector as the trigger makes it (migration 0004), as text."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (setweight(to_tsvector('english', %s), 'A') || "
            "setweight(to_tsvector('english', ''), 'B') || "
            "setweight(to_tsvector('english', %s), 'C'))::text", [headline, body])
        return cursor.fetchone()[0]


def test_a_longer_headline_changes_only_the_searches_for_the_headlines_moved_words():
    """Every later position moves, not what the body says: its words stay cached."""
    body = "The corridor would carry freight by rail."
    before = vector("Delhi hosts talks", body)
    after = vector("Delhi hosts long awaited talks", body)
    assert search_words.changed(before, after) == search_words.keys({"long", "await", "talk"})


def test_a_recovered_story_is_found_again_by_its_words(client, stories):
    import reversion
    from reversion.models import Version

    from articles.models import Article

    story = stories["grain"]
    with reversion.create_revision():  # a stored version, as the admin's saves keep
        story.save()
    cached(client, "/search/?q=barley")
    pk = story.pk
    with reversion.create_revision():  # as the admin deletes
        story.delete()
    assert "grain quota" not in read(client, "/search/?q=barley").content.decode()
    version = Version.objects.get_deleted(Article).get(object_id=str(pk))
    services.article_recover(version=version, by=stories["editor"])
    assert "grain quota" in read(client, "/search/?q=barley").content.decode()


def test_a_search_naming_a_tag_changes_when_a_story_is_tagged(client, stories):
    minister = make_minister("Sergey Lavrov")
    url = "/search/?q=Lavrov"
    cached(client, url)
    assert "grain quota" not in read(client, url).content.decode()
    stories["grain"].ministers.add(minister)
    assert "grain quota" in read(client, url).content.decode()


def test_a_new_vocabulary_entry_changes_the_searches_that_name_it(client, stories):
    url = "/search/?q=Nakamura"
    cached(client, url)
    make_minister("Kenji Nakamura")
    assert "Kenji Nakamura" in read(client, url).content.decode()


def test_a_batch_import_changes_the_searches_for_its_stories_words(client, stories, tmp_path):
    url = "/search/?q=quillwort"
    cached(client, url, "/search/?q=barley")
    path = tmp_path / "a.txt"
    path.write_text("date 2024-03-01 Quillwort growers met in Delhi.\n\nTalks go on.\n",
                    encoding="utf-8")
    list(import_files([path], publish=True))
    assert "Quillwort growers" in read(client, url).content.decode()
    assert read(client, "/search/?q=barley")["X-Page-Cache"] == "hit"


def test_the_api_search_changes_with_its_words(client, stories):
    url = "/api/v1/search/?q=tariff"
    cached(client, url)
    edit(stories, "delhi", headline="Delhi hosts the tariff talks")
    assert "tariff talks" in read(client, url).content.decode()


def test_the_words_of_an_edit_reach_the_edge_in_parts_a_header_can_hold():
    words = [f"word{number}" for number in range(3000)]
    keys = sorted(search_words.keys(words))
    parts = list(edges._header_parts(keys))
    assert len(parts) > 1
    assert all(len(part) <= edges.PURGE_HEADER_CHARS for part in parts)
    assert sorted(" ".join(parts).split()) == keys


def test_a_word_becomes_a_key_safe_in_a_header_whatever_it_holds():
    assert dependencies.search_word("tariff") == "search:tariff"
    odd = dependencies.search_word("côte d'ivoire\nx")
    assert odd.isascii() and " " not in odd and "\n" not in odd
    long = dependencies.search_word("x" * 500)
    assert len(long) < 64
    assert long != dependencies.search_word("x" * 501)


def test_lexemes_are_read_as_postgresql_writes_them():
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::tsvector::text", ["'it''s':1A 'a\\\\b':2 trade:3,4B"])
        text = cursor.fetchone()[0]
    found = search_words.lexemes(text)
    # Weights, and positions counted from the first of each weight.
    assert found == {"it's": (("A", 0),), "a\\b": (("D", 0),),
                     "trade": (("B", 0), ("D", 1))}
