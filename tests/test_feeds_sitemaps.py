"""RSS feeds and sitemaps are valid XML that feed readers and search engines accept."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import make_article
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
    from articles import sitemaps

    assert sitemaps.NEWS_MAX == 1000
    monkeypatch.setattr(sitemaps, "NEWS_MAX", 2)
    root = ET.fromstring(client.get("/news-sitemap.xml").content)
    assert len(root.findall(f"{SITEMAP_NS}url")) == 2


def test_sitemap_index_lists_every_sitemap_page_with_older_articles(client, room, monkeypatch):
    from articles.sitemaps import ArticleSitemap

    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    root = ET.fromstring(client.get("/sitemap-index.xml").content)
    locs = [s.findtext(f"{SITEMAP_NS}loc") for s in root.findall(f"{SITEMAP_NS}sitemap")]
    assert locs == ["http://testserver/sitemap.xml", "http://testserver/sitemap.xml?p=2"]
    second = ET.fromstring(client.get("/sitemap.xml", {"p": "2"}).content)
    second_locs = [u.findtext(f"{SITEMAP_NS}loc") for u in second.findall(f"{SITEMAP_NS}url")]
    assert second_locs == [f"http://testserver{room.articles[2].get_absolute_url()}"]


@pytest.mark.parametrize("page", ["0", "3", "x"])
def test_sitemap_page_out_of_range_is_404(client, room, page):
    assert client.get("/sitemap.xml", {"p": page}).status_code == 404


@pytest.mark.django_db
def test_feed_describes_wire_copy_without_standfirst_by_its_opening_words(client):
    """A feed reader shows something under every headline, wire copy included."""
    from tests.factories import make_article

    make_article("Wire story", standfirst="",
                 body="<p>Ministers met in Delhi on Friday to sign the accord.</p>")
    feed = client.get("/feeds/latest/").content.decode()
    assert "Ministers met in Delhi on Friday to sign the accord." in feed
