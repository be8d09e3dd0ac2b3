"""A write makes stale exactly the cached pages that show what it changed.

Readers' pages are cached whole; each records the dependency keys of what it shows
(an article, a tag's listing, a month's archive, ...). After an edit every page that
shows the article changes at once, while the pages that do not show it are still
served from the cache.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from articles.caching import dependencies, state
from articles.editorial import services
from articles.models import Article, Correction
from tests.factories import country, make_article, make_editor, make_minister

pytestmark = pytest.mark.django_db


@pytest.fixture
def newsroom():
    now = timezone.now()
    minister = make_minister("Subrahmanyam Jaishankar")
    return {
        "editor": make_editor(),
        "india": make_article("Delhi hosts the trade talks", slug="delhi-talks",
                              countries=["IN"], ministers=[minister],
                              published_at=now - timedelta(hours=1)),
        "russia": make_article("Moscow sets its grain quota", slug="grain-quota",
                               countries=["RU"], published_at=now - timedelta(hours=2)),
        "old": make_article("An older Russian story", slug="older-story",
                            countries=["RU"], published_at=now - timedelta(days=70)),
        "minister": minister,
    }


def read(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def cached(client, *urls):
    """Read each page twice: the second read must come from the cache."""
    for url in urls:
        read(client, url)
        assert read(client, url)["X-Page-Cache"] == "hit", url


def archive_url(article):
    local = timezone.localtime(article.published_at)
    return f"/archive/{local.year:04d}/{local.month:02d}/"


def pages_showing(article, minister):
    return [article.get_absolute_url(), "/", "/feeds/latest/", "/countries/india/",
            "/countries/india/feed/", minister.get_absolute_url(), archive_url(article),
            "/sitemap.xml"]


def pages_not_showing(other, old):
    return [other.get_absolute_url(), "/countries/russia/", "/countries/russia/feed/",
            old.get_absolute_url(), archive_url(old)]


def test_an_edit_changes_every_page_that_shows_the_article_and_no_other(client, newsroom):
    story, minister = newsroom["india"], newsroom["minister"]
    showing = pages_showing(story, minister)
    elsewhere = pages_not_showing(newsroom["russia"], newsroom["old"])
    cached(client, *showing, *elsewhere)

    story.headline = "Delhi hosts the trade talks, and a deal"
    services.article_save(article=story, by=newsroom["editor"])

    for url in showing:
        response = read(client, url)
        assert response["X-Page-Cache"] == "miss", url
        if url != "/sitemap.xml":  # the sitemap lists addresses, not headlines
            assert "and a deal" in response.content.decode(), url
    for url in elsewhere:
        assert read(client, url)["X-Page-Cache"] == "hit", url


def test_a_correction_changes_the_article_page_not_the_listings(client, newsroom):
    """A note shows on its article's page, its API article and the corrections page;
    the listings, feeds and searches that show the story's card stay cached."""
    story = newsroom["india"]
    api_article = f"/api/v1/articles/{story.pk}/"
    showing_card = ["/", "/countries/india/", "/feeds/latest/", "/search/?q=delhi",
                    "/countries/russia/"]
    cached(client, story.get_absolute_url(), api_article, "/corrections/", *showing_card)
    Correction.objects.create(article=story, note="The talks began on Tuesday.")
    for url in (story.get_absolute_url(), api_article, "/corrections/"):
        page = read(client, url)
        assert page["X-Page-Cache"] == "miss", url
        assert "began on Tuesday" in page.content.decode(), url
    for url in showing_card:
        assert read(client, url)["X-Page-Cache"] == "hit", url


def test_a_publication_changes_the_listings_it_joins_and_leaves_articles_cached(
    client, newsroom
):
    india, russia, old = newsroom["india"], newsroom["russia"], newsroom["old"]
    cached(client, "/", "/countries/russia/", "/countries/india/", india.get_absolute_url(),
           russia.get_absolute_url(), archive_url(old))

    make_article("Moscow and Beijing sign a pipeline deal", slug="pipeline-deal",
                 countries=["RU"], published_at=timezone.now())

    for url in ("/", "/countries/russia/"):
        response = read(client, url)
        assert "pipeline deal" in response.content.decode(), url
    for url in ("/countries/india/", india.get_absolute_url(), russia.get_absolute_url(),
                archive_url(old)):
        assert read(client, url)["X-Page-Cache"] == "hit", url


def test_a_draft_changes_nothing(client, newsroom):
    urls = ["/", "/countries/india/", newsroom["india"].get_absolute_url()]
    cached(client, *urls)
    sequence = state.write_sequence()
    draft = make_article("A draft about India", status=Article.Status.DRAFT,
                         countries=["IN"])
    draft.headline = "A draft about India, rewritten"
    services.article_save(article=draft, by=newsroom["editor"])
    assert state.write_sequence() == sequence
    for url in urls:
        assert read(client, url)["X-Page-Cache"] == "hit", url


def test_a_withdrawal_takes_the_story_off_every_page_that_showed_it(client, newsroom):
    story = newsroom["india"]
    cached(client, story.get_absolute_url(), "/", "/countries/india/", "/countries/russia/")
    services.article_withdraw(article=story, by=newsroom["editor"])
    assert client.get(story.get_absolute_url()).status_code == 410
    assert "Delhi hosts" not in read(client, "/").content.decode()
    assert client.get("/countries/india/").status_code == 404  # nothing else there
    assert read(client, "/countries/russia/")["X-Page-Cache"] == "hit"


def test_retagging_moves_the_story_between_listings(client, newsroom):
    story = newsroom["india"]
    cached(client, "/countries/russia/", "/countries/india/")
    story.countries.add(country("RU"))
    assert "Delhi hosts" in read(client, "/countries/russia/").content.decode()
    assert read(client, "/countries/india/")["X-Page-Cache"] == "miss"  # its tag links


def write_while_rendering(monkeypatch, story, headline=None):
    """The next listing page's cards are read, then the story is written (by another
    server: its key bumped) before the page has finished rendering."""
    from articles.public import selectors

    real = selectors.referenced_cards
    calls = []

    def write_meanwhile(*args, **kwargs):
        cards = real(*args, **kwargs)
        if not calls:
            calls.append(1)
            if headline:
                Article.objects.filter(pk=story.pk).update(headline=headline)
            state.bump({dependencies.article(story.pk)})
        return cards

    monkeypatch.setattr(selectors, "referenced_cards", write_meanwhile)


def test_a_page_rendered_before_a_write_is_not_kept_as_current(client, newsroom, monkeypatch):
    """The write lands while the page renders from the data before it: the copy stored
    afterwards must not be served as current."""
    write_while_rendering(monkeypatch, newsroom["india"], headline="Rewritten meanwhile")
    assert "Delhi hosts" in read(client, "/countries/india/").content.decode()
    response = read(client, "/countries/india/")
    assert response["X-Page-Cache"] == "miss"
    assert "Rewritten meanwhile" in response.content.decode()


def test_a_page_rendered_while_a_write_lands_is_kept_by_no_cache_in_front(
    client, newsroom, monkeypatch
):
    """The edge's purge for the write may pass before such a copy reaches it: the copy
    goes out with no-store, so no edge or proxy keeps it; pages rendered with no write
    meanwhile stay shareable."""
    write_while_rendering(monkeypatch, newsroom["india"])
    assert read(client, "/countries/india/")["Cache-Control"] == "no-store"
    again = read(client, "/countries/india/")
    assert again["X-Page-Cache"] == "miss" and "public" in again["Cache-Control"]
    assert read(client, "/countries/russia/")["Cache-Control"].startswith("public")


def test_a_lost_write_sequence_makes_nothing_stale(client, newsroom):
    """Redis lost the sequence (evicted, restarted): numbers given before cannot be
    compared with new ones, so everything cached before is left."""
    story = newsroom["india"]
    cached(client, story.get_absolute_url())
    state.cache.delete(state.SEQUENCE_KEY)
    Article.objects.filter(pk=story.pk).update(headline="Changed after the loss")
    assert state.bump({dependencies.article(story.pk)})
    assert "Changed after the loss" in read(client, story.get_absolute_url()).content.decode()


def test_responses_name_their_keys(client, newsroom):
    story = newsroom["india"]
    keys = read(client, "/countries/india/")["xkey"].split()
    assert f"country:{country('IN').pk}" in keys
    assert f"article:{story.pk}" in keys
    assert f"article:{newsroom['russia'].pk}" not in keys


def test_a_scheduled_article_appears_even_if_a_write_comes_first(client):
    """An unrelated write between the scheduled time and the next reader must not make
    the site forget that an article came due."""
    start = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    march = "/archive/2026/03/"
    with time_machine.travel(start, tick=False) as traveller:
        make_article("Old news", published_at=start - timedelta(days=1))
        february = make_article("A February story", slug="february",
                                published_at=start - timedelta(days=3))
        make_article("Nine sharp story", published_at=start + timedelta(hours=1))
        assert b"Nine sharp story" not in client.get(march).content
        assert client.get(march)["X-Page-Cache"] == "hit"
        traveller.move_to(start + timedelta(hours=1, seconds=1))
        february.headline = "A February story, edited"
        february.save()  # not on March's page, and before any reader
        assert b"Nine sharp story" in client.get(march).content


def test_a_first_render_gives_each_new_key_its_version_once(client, newsroom, monkeypatch):
    """The first reader of a page no one has read pays one cache round trip per new
    dependency key, not one per remembered value that shows it."""
    added = []
    real_add = state.cache.add

    def counting_add(key, *args, **kwargs):
        added.append(key)
        return real_add(key, *args, **kwargs)

    monkeypatch.setattr(state.cache, "add", counting_add)
    response = client.get(newsroom["india"].get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    versions = [key for key in added if key.startswith(state.VERSION_PREFIX)]
    assert versions, "the page's keys had no version yet"
    assert len(versions) == len(set(versions))


def test_a_listing_read_again_reads_no_rows_until_what_it_shows_changes(
    client, newsroom, settings
):
    """With the page cache off, a listing's rows are remembered as its count is: read
    again it runs no query, and an edit of one of its stories, a new story in it or a
    withdrawal shows at the next read."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.NEWSROOM_PAGE_CACHE = False
    russia, india = newsroom["russia"], newsroom["india"]
    read(client, "/countries/russia/")

    def rows_read():
        with CaptureQueriesContext(connection) as queries:
            page = read(client, "/countries/russia/").content.decode()
        return page, [q["sql"] for q in queries if '"articles_article"."headline"' in q["sql"]]

    assert rows_read()[1] == []

    india.headline = "Delhi hosts the trade talks again"  # not on the page
    services.article_save(article=india, by=newsroom["editor"])
    assert rows_read()[1] == []

    russia.headline = "Moscow sets a lower grain quota"
    services.article_save(article=russia, by=newsroom["editor"])
    page, queries = rows_read()
    assert "Moscow sets a lower grain quota" in page and queries

    make_article("Moscow and Beijing sign a pipeline deal", slug="pipeline-deal",
                 countries=["RU"], published_at=timezone.now())
    assert "pipeline deal" in rows_read()[0]

    services.article_withdraw(article=russia, by=newsroom["editor"])
    assert "grain quota" not in rows_read()[0]


def test_a_pictures_new_words_show_on_a_listing_whose_rows_are_remembered(
    client, newsroom, settings
):
    from articles.editorial.images import image_save
    from tests.factories import make_image

    settings.NEWSROOM_PAGE_CACHE = False
    story = newsroom["russia"]
    picture = make_image("Grain silos at Novorossiysk")
    Article.objects.filter(pk=story.pk).update(hero_image=picture)
    state.bump({dependencies.article(story.pk)})
    page = read(client, "/countries/russia/").content.decode()
    assert 'alt="Grain silos at Novorossiysk"' in page

    picture.alt_text = "Grain silos at the port of Novorossiysk"
    image_save(image=picture, by=newsroom["editor"])
    page = read(client, "/countries/russia/").content.decode()
    assert 'alt="Grain silos at the port of Novorossiysk"' in page


def version_reads(monkeypatch):
    """The keys' versions this process asks the shared cache for, as they are asked."""
    asked = []
    get_many = state.shared.get_many

    def counting(keys):
        asked.extend(key for key in keys if key.startswith(state.VERSION_PREFIX))
        return get_many(keys)

    monkeypatch.setattr(state.shared, "get_many", counting)
    return asked


def another_servers_edit(article, headline):
    """An edit made on another server: this process learns of it through Redis alone."""
    Article.objects.filter(pk=article.pk).update(headline=headline)
    assert state.bump({dependencies.article(article.pk)})


def test_after_a_write_pages_are_checked_against_what_it_changed_without_asking_redis(
        client, newsroom, monkeypatch):
    """A busy desk writes every second: a reader's hit must not ask Redis for the
    versions of everything its page shows after each write, yet never be stale."""
    story, other = newsroom["india"], newsroom["russia"]
    pages = [other.get_absolute_url(), "/countries/russia/", "/"]
    cached(client, *pages)
    asked = version_reads(monkeypatch)

    another_servers_edit(story, "Delhi hosts the talks, another server says")

    assert [read(client, url)["X-Page-Cache"] for url in pages] == ["hit", "hit", "miss"]
    assert b"another server says" in read(client, "/").content
    # Only the home page's new copy looked its new keys up; no hit asked for versions.
    hits_asked = len(asked)
    cached(client, *pages)
    assert len(asked) == hits_asked


def test_a_write_whose_record_is_lost_is_still_seen(client, newsroom, monkeypatch):
    """The log of what each write changed is a shortcut: a record Redis lost (or not
    yet written) sends the check to the keys' versions, never to a stale page."""
    story, other = newsroom["india"], newsroom["russia"]
    cached(client, story.get_absolute_url(), other.get_absolute_url())
    sequence = state.cache.get(state.SEQUENCE_KEY)

    another_servers_edit(story, "Delhi hosts the talks, its record lost")
    state.cache.delete(state.CHANGES_PREFIX + str(sequence + 1))

    response = read(client, story.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert b"its record lost" in response.content
    assert read(client, other.get_absolute_url())["X-Page-Cache"] == "hit"

    # Given up after a while: the log starts again from the writes that follow.
    monkeypatch.setattr(state.ChangeLog, "MISSING_SECONDS", 0.0)
    read(client, other.get_absolute_url())
    another_servers_edit(story, "Delhi hosts the talks, after the log restarted")
    assert b"after the log restarted" in read(client, story.get_absolute_url()).content
    assert read(client, other.get_absolute_url())["X-Page-Cache"] == "hit"


def test_a_related_story_edited_or_withdrawn_shows_at_once_without_ranking_again(
        client, newsroom, monkeypatch):
    """An article page lists related stories: an edit of one, or its withdrawal, shows on
    the page at once, while which stories are related is not worked out again."""
    from articles.public import selectors

    page = newsroom["india"].get_absolute_url()
    other = make_article("Mumbai ports await the trade talks", slug="mumbai-ports",
                         countries=["IN"], published_at=timezone.now() - timedelta(hours=3))
    assert "Mumbai ports await the trade talks" in read(client, page).content.decode()
    rankings = []
    rank = selectors._related_articles
    monkeypatch.setattr(selectors, "_related_articles",
                        lambda *a, **k: rankings.append(1) or rank(*a, **k))

    other.headline = "Mumbai ports ready for the trade talks"
    services.article_save(article=other, by=newsroom["editor"])
    assert "Mumbai ports ready for the trade talks" in read(client, page).content.decode()

    services.article_withdraw(article=other, by=newsroom["editor"], reason="Legal advice.")
    html = read(client, page).content.decode()
    assert "Mumbai ports" not in html
    assert rankings == []
