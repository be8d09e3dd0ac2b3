"""RSS feeds and sitemaps are valid XML that feed readers and search engines accept."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from articles.caching.responses import CLOCK_BOUND_SECONDS
from articles.models import Article
from articles.public.sitemaps import NEWS_WINDOW
from tests.factories import make_article, make_minister
from tests.public_data import build_newsroom

pytestmark = pytest.mark.django_db

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS_NS = "{http://www.google.com/schemas/sitemap-news/0.9}"


@pytest.fixture
def room():
    return build_newsroom(published=3)


def rss_items(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel.findtext("title") and channel.findtext("link")
    return channel.findall("item")


def test_latest_feed_lists_published_articles_newest_first(client, room):
    items = rss_items(client, "/feeds/latest/")
    titles = [item.findtext("title") for item in items]
    assert titles[:3] == [a.headline for a in room.articles]
    assert "Embargoed story about a future summit" not in titles
    first = items[0]
    assert first.findtext("link").endswith(room.articles[0].get_absolute_url())
    assert first.findtext("description") == room.articles[0].standfirst
    assert first.findtext("pubDate")
    assert {"India", "Russia", "Sergey Lavrov"} <= {c.text for c in first.findall("category")}


@pytest.mark.parametrize("url", [
    "/countries/india/feed/", "/ministers/sergey-lavrov/feed/",
    "/policies/energy-cooperation/feed/", "/countries/india/russia/feed/",
    "/search/feed/?q=freight",
])
def test_every_listing_has_a_feed_of_its_articles(client, room, url):
    titles = [item.findtext("title") for item in rss_items(client, url)]
    assert room.articles[0].headline in titles


def test_archive_feeds_cover_their_period(client):
    note = make_article("Spring trade note", published_at=timezone.now() - timedelta(days=1))
    year = timezone.localtime(note.published_at).year
    titles = [i.findtext("title") for i in rss_items(client, f"/archive/{year}/feed/")]
    assert "Spring trade note" in titles
    assert rss_items(client, f"/archive/{year - 5}/feed/") == []


def test_bilateral_feed_in_reverse_order_redirects(client, room):
    response = client.get("/countries/russia/india/feed/")
    assert response.status_code == 301
    assert response["Location"] == "/countries/india/russia/feed/"


@pytest.mark.parametrize("url", ["/ministers/nobody/feed/", "/countries/india/india/feed/",
                                 "/archive/2026/13/feed/"])
def test_feeds_of_unknown_listings_are_404(client, room, url):
    assert client.get(url).status_code == 404


def test_feed_escapes_markup_in_headlines(client):
    make_article("Tariffs <b>& quotas</b>")
    root = ET.fromstring(client.get("/feeds/latest/").content)
    assert root.find("channel/item/title").text == "Tariffs <b>& quotas</b>"


def test_sitemap_lists_public_articles_and_tag_pages_with_lastmod(client, room):
    response = client.get("/sitemap.xml")
    root = ET.fromstring(response.content)
    entries = {u.findtext(f"{SITEMAP_NS}loc"): u.findtext(f"{SITEMAP_NS}lastmod")
               for u in root.findall(f"{SITEMAP_NS}url")}
    article_url = f"http://testserver{room.articles[0].get_absolute_url()}"
    assert entries[article_url]
    for tag in (room.india, room.lavrov, room.energy):
        assert entries[f"http://testserver{tag.get_absolute_url()}"]
    assert not any("future-summit" in loc or "secret-summit" in loc for loc in entries)
    assert "http://testserver/countries/brazil/" not in entries


def test_news_sitemap_has_only_the_last_two_days(client, room, settings):
    settings.NEWSROOM_NAME = "The Test Gazette"
    make_article("Last week's story", slug="last-week",
                 published_at=timezone.now() - timedelta(days=7))
    root = ET.fromstring(client.get("/news-sitemap.xml").content)
    urls = root.findall(f"{SITEMAP_NS}url")
    locs = [u.findtext(f"{SITEMAP_NS}loc") for u in urls]
    assert len(urls) == 3
    assert not any("last-week" in loc for loc in locs)
    news = urls[0].find(f"{NEWS_NS}news")
    assert news.findtext(f"{NEWS_NS}publication/{NEWS_NS}name") == "The Test Gazette"
    assert news.findtext(f"{NEWS_NS}publication/{NEWS_NS}language") == "en"
    assert news.findtext(f"{NEWS_NS}title") == room.articles[0].headline
    assert news.findtext(f"{NEWS_NS}publication_date").startswith(
        str(timezone.localdate(room.articles[0].published_at).year))


def test_news_sitemap_is_capped(client, monkeypatch, room):
    from articles.public import sitemaps

    assert sitemaps.NEWS_MAX == 1000
    monkeypatch.setattr(sitemaps, "NEWS_MAX", 2)
    root = ET.fromstring(client.get("/news-sitemap.xml").content)
    assert len(root.findall(f"{SITEMAP_NS}url")) == 2


def test_sitemap_index_lists_every_sitemap_page_with_older_articles(client, room, monkeypatch):
    from articles.public import sitemaps

    monkeypatch.setattr(sitemaps, "ARTICLES_PER_PAGE", 2)
    root = ET.fromstring(client.get("/sitemap-index.xml").content)
    locs = [s.findtext(f"{SITEMAP_NS}loc") for s in root.findall(f"{SITEMAP_NS}sitemap")]
    assert locs == ["http://testserver/sitemap.xml", "http://testserver/sitemap.xml?p=2"]
    second = ET.fromstring(client.get("/sitemap.xml", {"p": "2"}).content)
    second_locs = [u.findtext(f"{SITEMAP_NS}loc") for u in second.findall(f"{SITEMAP_NS}url")]
    assert second_locs == [f"http://testserver{room.articles[2].get_absolute_url()}"]


@pytest.mark.parametrize("page", ["0", "3", "x", "-1", "1.5", "", "9" * 5000])
def test_sitemap_page_out_of_range_is_404(client, room, page):
    assert client.get("/sitemap.xml", {"p": page}).status_code == 404


def sitemap_entries(client, params=None):
    response = client.get("/sitemap.xml", params or {})
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return {u.findtext(f"{SITEMAP_NS}loc"): u.findtext(f"{SITEMAP_NS}lastmod")
            for u in root.findall(f"{SITEMAP_NS}url")}


def test_sitemap_is_for_crawlers_only(client, room):
    """As Django's sitemap view answers: XML, and not to be indexed itself."""
    response = client.get("/sitemap.xml")
    assert response["Content-Type"].startswith("application/xml")
    assert response["X-Robots-Tag"] == "noindex, noodp, noarchive"
    root = ET.fromstring(response.content)
    url = root.find(f"{SITEMAP_NS}url")
    assert url.findtext(f"{SITEMAP_NS}changefreq") == "weekly"


def test_sitemap_pages_list_every_article_once_when_times_tie(client, monkeypatch):
    """Pages split newest first; articles published at the same moment across a page
    boundary are neither repeated nor skipped."""
    from articles.public import sitemaps

    monkeypatch.setattr(sitemaps, "ARTICLES_PER_PAGE", 3)
    moment = timezone.now() - timedelta(days=3)
    # No bylines: page 1 would list the author's page too.
    tied = [make_article(f"Tied story {i}", slug=f"tied-{i}", published_at=moment, authors=())
            for i in range(5)]
    newer = make_article("Newer story", slug="newer", published_at=moment + timedelta(hours=1),
                         authors=())
    older = [make_article(f"Older story {i}", slug=f"older-{i}", authors=(),
                          published_at=moment - timedelta(hours=i + 1)) for i in range(4)]
    pages = [list(sitemap_entries(client, {"p": str(p)})) for p in (1, 2, 3, 4)]
    assert client.get("/sitemap.xml", {"p": "5"}).status_code == 404
    listed = [loc.removeprefix("http://testserver") for page in pages for loc in page]
    expected = [a.get_absolute_url() for a in
                [newer, *sorted(tied, key=lambda a: -a.pk), *older]]
    assert listed == expected
    assert [len(page) for page in pages] == [3, 3, 3, 1]


def test_sitemap_shows_a_new_article_and_drops_a_withdrawn_one_at_once(client, room):
    """What the sitemap lists is remembered, but never after content changes."""
    assert f"http://testserver{room.articles[0].get_absolute_url()}" in sitemap_entries(client)
    fresh = make_article("Fresh report", slug="fresh-report", countries=["BR"])
    room.articles[0].status = Article.Status.WITHDRAWN
    room.articles[0].save()
    entries = sitemap_entries(client)
    assert f"http://testserver{fresh.get_absolute_url()}" in entries
    assert "http://testserver/countries/brazil/" in entries
    assert f"http://testserver{room.articles[0].get_absolute_url()}" not in entries


def test_sitemap_lastmod_is_the_later_edit_not_the_import(client):
    """An edit after publication moves lastmod; importing an old story does not."""
    with time_machine.travel("2026-04-02 10:00:00Z", tick=False):
        edited = make_article("Talks resume", slug="talks-resume", published_at=timezone.now())
        imported = make_article("Old wire story", slug="old-wire",
                                published_at=timezone.now() - timedelta(days=400))
    with time_machine.travel("2026-04-05 15:00:00Z", tick=False):
        edited.standfirst = "Talks resumed after a recess."
        edited.save()
        entries = sitemap_entries(client)
    assert entries[f"http://testserver{edited.get_absolute_url()}"] == "2026-04-05"
    assert entries[f"http://testserver{imported.get_absolute_url()}"] == "2025-02-26"


def test_sitemap_tag_lastmod_is_its_newest_article(client):
    with time_machine.travel("2026-04-02 10:00:00Z", tick=False):
        make_article("Older India story", slug="older-india", countries=["IN"],
                     published_at=timezone.now() - timedelta(days=9))
        make_article("Newer India story", slug="newer-india", countries=["IN"],
                     published_at=timezone.now() - timedelta(days=2))
        make_article("Unpublished India story", slug="draft-india", countries=["IN"],
                     status=Article.Status.DRAFT)
        entries = sitemap_entries(client)
    assert entries["http://testserver/countries/india/"] == "2026-03-31"


def test_sitemap_escapes_and_encodes_tag_addresses(client):
    """A name in another script keeps its letters in the slug; the loc is percent-encoded."""
    minister = make_minister("王毅", office="Foreign Minister")
    make_article("Talks in Beijing", slug="talks-beijing", ministers=[minister])
    entries = sitemap_entries(client)
    assert f"http://testserver{minister.get_absolute_url()}" in entries
    assert "http://testserver/ministers/%E7%8E%8B%E6%AF%85/" in entries


@pytest.mark.django_db
def test_feed_describes_wire_copy_without_standfirst_by_its_opening_words(client):
    """A feed reader shows something under every headline, wire copy included."""
    from tests.factories import make_article

    make_article("Wire story", standfirst="",
                 body="<p>Ministers met in Delhi on Friday to sign the accord.</p>")
    feed = client.get("/feeds/latest/").content.decode()
    assert "Ministers met in Delhi on Friday to sign the accord." in feed


def test_feeds_show_an_edit_and_a_new_article_at_once(client, room):
    """Feed items are remembered, but never after content changes."""
    rss_items(client, "/feeds/latest/")
    rss_items(client, "/countries/india/feed/")
    article = room.articles[0]
    article.headline = "Delegates sign the corridor deal"
    article.save()
    article.countries.add(room.china)
    fresh = make_article("Fresh India report", slug="fresh-india", countries=[room.india],
                         published_at=timezone.now() - timedelta(minutes=5))
    for url in ("/feeds/latest/", "/countries/india/feed/"):
        items = rss_items(client, url)
        assert [i.findtext("title") for i in items[:2]] == [
            "Fresh India report", "Delegates sign the corridor deal"], url
        assert "China" in {c.text for c in items[1].findall("category")}
        assert items[0].findtext("link").endswith(fresh.get_absolute_url())


def test_feed_drops_a_withdrawn_article_at_once(client, room):
    rss_items(client, "/ministers/sergey-lavrov/feed/")
    room.articles[0].status = Article.Status.WITHDRAWN
    room.articles[0].save()
    titles = [i.findtext("title") for i in rss_items(client, "/ministers/sergey-lavrov/feed/")]
    assert room.articles[0].headline not in titles
    assert titles[0] == room.articles[1].headline


def test_feed_read_again_needs_no_query(client, room, django_assert_num_queries):
    """Within a content generation a feed is built from remembered items."""
    rss_items(client, "/countries/india/russia/feed/")
    with django_assert_num_queries(0):
        items = rss_items(client, "/countries/india/russia/feed/")
    assert items[0].findtext("title") == room.articles[0].headline


def test_feed_has_twenty_items_with_authors_and_the_latest_change_as_build_date(client):
    with time_machine.travel("2026-04-02 10:00:00Z", tick=False):
        for i in range(22):
            make_article(f"Story {i}", slug=f"story-n{i}", authors=["Arun Kumar", "Priya Sharma"],
                         published_at=timezone.now() - timedelta(hours=i + 1))
        channel = ET.fromstring(client.get("/feeds/latest/").content).find("channel")
    items = channel.findall("item")
    assert len(items) == 20
    assert items[0].findtext("{http://purl.org/dc/elements/1.1/}creator") == (
        "Arun Kumar, Priya Sharma")
    assert channel.findtext("lastBuildDate") == "Thu, 02 Apr 2026 10:00:00 +0000"


def test_news_sitemap_follows_the_clock_and_escapes_headlines(client, settings):
    """An article leaves the news sitemap two days after publication, with no save."""
    settings.NEWSROOM_PAGE_CACHE = False  # what the page says, not how long it is cached
    with time_machine.travel("2026-04-02 10:00:00Z", tick=False):
        make_article("Tariffs <b>& quotas</b>", slug="tariffs",
                     published_at=timezone.now() - timedelta(hours=47))
        root = ET.fromstring(client.get("/news-sitemap.xml").content)
        assert [u.findtext(f"{NEWS_NS}news/{NEWS_NS}title")
                for u in root.findall(f"{SITEMAP_NS}url")] == ["Tariffs <b>& quotas</b>"]
        assert root.findtext(f"{SITEMAP_NS}url/{NEWS_NS}news/{NEWS_NS}publication_date") == (
            "2026-03-31T11:00:00+00:00")
    with time_machine.travel("2026-04-02 11:30:00Z", tick=False):
        root = ET.fromstring(client.get("/news-sitemap.xml").content)
        assert root.findall(f"{SITEMAP_NS}url") == []


def test_deep_sitemap_pages_cost_what_the_second_does(client, room, monkeypatch):
    """Pages start from remembered page starts, not an OFFSET: a fixed number of
    queries (within the public page budget) whatever the page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from articles.public import sitemaps
    from tests.test_public_queries import BUDGET

    monkeypatch.setattr(sitemaps, "ARTICLES_PER_PAGE", 1)
    counts = []
    for page in ("2", "3"):
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            locs = list(sitemap_entries(client, {"p": page}))
        assert locs == [f"http://testserver{room.articles[int(page) - 1].get_absolute_url()}"]
        counts.append(len(queries))
    assert counts[0] == counts[1] <= BUDGET


# --- feeds and sitemaps remembered whole (articles.caching.responses) ------------------

REMEMBERED = ["/feeds/latest/", "/feed/", "/countries/india/feed/",
              "/ministers/sergey-lavrov/feed/", "/countries/india/russia/feed/",
              "/sitemap.xml", "/sitemap-index.xml", "/news-sitemap.xml"]


@pytest.fixture
def page_cache_off(settings):
    """What the responses' own memory serves, with no page cache in front of it."""
    settings.NEWSROOM_PAGE_CACHE = False


@pytest.mark.parametrize("url", REMEMBERED)
def test_a_remembered_feed_or_sitemap_read_again_needs_no_query(
    client, room, page_cache_off, django_assert_num_queries, url
):
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]


def test_a_published_article_is_in_the_sitemap_and_feeds_at_once_and_gone_after_withdrawal(
    client, room, page_cache_off, editor
):
    """Remembered responses, but never after a publication or a withdrawal."""
    from articles.editorial import services

    urls = ["/feeds/latest/", "/countries/india/feed/", "/sitemap.xml", "/news-sitemap.xml"]
    for url in urls:
        client.get(url)  # remembered before the change
    story = make_article("Corridor deal signed", slug="corridor-deal", countries=["IN"],
                         status=Article.Status.REVIEW)
    services.article_publish(article=story, by=editor)
    story = Article.objects.get(pk=story.pk)
    address = f"http://testserver{story.get_absolute_url()}"
    for url in urls:
        assert address.encode() in client.get(url).content, url
    services.article_withdraw(article=story, by=editor)
    for url in urls:
        assert address.encode() not in client.get(url).content, url


@pytest.mark.parametrize(("url", "made_up"), [
    ("/feeds/latest/", ["?utm_source=x", "?page=2", "?p=3&fbclid=1"]),
    ("/countries/india/feed/", ["?utm_source=x", "?q=other"]),
    ("/sitemap.xml", ["?utm_source=x", "?p=1", "?p=01&page=9", "?p=%2B1"]),
    ("/sitemap-index.xml", ["?p=2", "?x=1"]),
])
def test_made_up_query_strings_add_no_remembered_response(
    client, room, page_cache_off, django_assert_num_queries, url, made_up
):
    """What a feed or sitemap does not read from its address shares its one entry."""
    from articles.caching import state

    first = client.get(url)
    entries = len(state.memory.values)
    for query in made_up:
        with django_assert_num_queries(0):
            response = client.get(url + query)
        assert response.status_code == 200 and response.content == first.content, query
    assert len(state.memory.values) == entries


def test_each_host_and_scheme_has_its_own_remembered_sitemap(client, room, page_cache_off):
    """The addresses in a sitemap or feed are absolute: never another host's."""
    for url in ("/sitemap.xml", "/feeds/latest/"):
        assert b"http://testserver/" in client.get(url).content
        assert b"http://testserver/" not in client.get(url, secure=True).content
        other = client.get(url, headers={"host": "localhost"}).content
        assert b"http://localhost/" in other and b"testserver" not in other


@pytest.mark.parametrize("page_cache", ["on", "off"])
def test_the_news_sitemap_follows_its_two_day_window_within_five_minutes(
    client, settings, page_cache
):
    """Its two-day window moves with the clock: an article leaves it at most
    CLOCK_BOUND_SECONDS late, with nothing saved, page cache on or off."""
    settings.NEWSROOM_PAGE_CACHE = page_cache == "on"
    with time_machine.travel("2026-04-02 10:00:00Z", tick=False) as clock:
        make_article("Tariff talks", slug="tariff-talks",
                     published_at=timezone.now() - NEWS_WINDOW + timedelta(seconds=30))
        assert b"tariff-talks" in client.get("/news-sitemap.xml").content
        clock.shift(timedelta(seconds=60))
        assert b"tariff-talks" in client.get("/news-sitemap.xml").content  # remembered
        clock.shift(timedelta(seconds=CLOCK_BOUND_SECONDS))
        assert b"tariff-talks" not in client.get("/news-sitemap.xml").content
