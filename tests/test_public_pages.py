"""The public pages as a reader sees them, and the 404s every public URL owes."""

import json
import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.models.images import FULL
from tests.factories import country, make_article, make_image, make_minister
from tests.public_data import add_correction, build_newsroom

pytestmark = pytest.mark.django_db


@pytest.fixture
def room():
    return build_newsroom(published=3)


def json_ld(html):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD script in the page"
    return json.loads(match.group(1))


def test_home_shows_lead_story_latest_articles_and_most_covered_tags(client, room):
    html = client.get(reverse("articles:home")).content.decode()
    assert "Delegates weigh shipping corridor, session 0" in html
    assert "Delegates weigh shipping corridor, session 2" in html
    assert 'class="card card--lead"' in html
    assert "Most covered, last 30 days" in html
    assert room.lavrov.get_absolute_url() in html
    assert "Unfinished draft" not in html and "Embargoed story" not in html
    assert html.count("<h1") == 1


def test_article_page_shows_story_tags_and_times_in_site_time_zone(client, room):
    article = room.articles[0]
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<h1" in html and html.count("<h1") == 1
    assert article.headline in html
    assert "Negotiators spent day 0 on freight tariffs." in html
    assert 'By <a href="/authors/arun-kumar/">Arun Kumar</a>' in html
    published = timezone.localtime(article.published_at).replace(microsecond=0)
    assert f'<time datetime="{published.isoformat()}' in html
    for tag in (room.india, room.russia, room.lavrov, room.jaishankar, room.energy):
        assert f'href="{tag.get_absolute_url()}"' in html


def test_article_page_head_has_canonical_open_graph_and_twitter_card(client, room):
    article = room.articles[0]
    html = client.get(article.get_absolute_url()).content.decode()
    canonical = f"http://testserver{article.get_absolute_url()}"
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert f'<meta property="og:url" content="{canonical}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta name="twitter:card" content="summary">' in html
    assert '<meta name="description" content="Negotiators spent day 0' in html
    assert f"<title>{article.headline} — Newsroom</title>" in html


def test_article_json_ld_is_a_valid_news_article_with_tags(client, room):
    article = room.articles[0]
    data = json_ld(client.get(article.get_absolute_url()).content.decode())
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == article.headline
    assert data["datePublished"].startswith(article.published_at.date().isoformat()[:4])
    assert data["author"] == [{"@type": "Person", "name": "Arun Kumar",
                               "url": "http://testserver/authors/arun-kumar/"}]
    assert data["publisher"]["name"] == "Newsroom"
    assert {"India", "Russia", "Sergey Lavrov", "Energy cooperation"} <= set(data["keywords"])
    assert all(item["url"].startswith("http://testserver/") for item in data["about"])


def test_json_ld_escapes_a_closing_script_tag_in_the_headline(client):
    article = make_article('Talks end </script><script>alert(1)</script> "abruptly"')
    html = client.get(article.get_absolute_url()).content.decode()
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert "<script>alert(1)" not in script.group(1)
    assert json_ld(html)["headline"] == article.headline
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in html


def test_article_shows_corrections_with_their_time(client, room):
    article = room.articles[1]
    note = add_correction(article, "An earlier version named the wrong port.")
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<h2 id="corrections-heading">Correction</h2>' in html
    assert "An earlier version named the wrong port." in html
    noted = timezone.localtime(note.created_at).replace(microsecond=0)
    assert f'<time datetime="{noted.isoformat()}' in html
    assert "Updated <time" in html


def test_related_articles_prefer_a_shared_minister_over_shared_countries(client):
    lavrov = make_minister()
    story = make_article("Main story", countries=["IN", "RU"], ministers=[lavrov])
    make_article("Shares two countries", countries=["IN", "RU"])
    make_article("Shares the minister", ministers=[lavrov])
    make_article("Shares nothing", countries=["FR"])
    html = client.get(story.get_absolute_url()).content.decode()
    related = html[html.index("Related articles"):]
    assert related.index("Shares the minister") < related.index("Shares two countries")
    assert "Shares nothing" not in related


def test_related_articles_never_include_unpublished_ones(client, room):
    html = client.get(room.articles[0].get_absolute_url()).content.decode()
    related = html[html.index("Related articles"):]
    assert "Embargoed story" not in related and "Unfinished draft" not in related


def test_article_url_with_wrong_date_is_404(client, room):
    article = room.articles[0]
    url = reverse("articles:article-detail", kwargs={
        "year": "2001", "month": "01", "day": "01", "slug": article.slug})
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("path", [
    "/2023/02/30/corridor-session-0/",
    "/2023/13/01/corridor-session-0/",
    "/0000/01/01/corridor-session-0/",
    "/2023/02/28/no-such-story/",
])
def test_impossible_dates_and_unknown_slugs_are_404(client, room, path):
    assert client.get(path).status_code == 404


def test_draft_article_is_404_for_readers(client, room):
    local = timezone.localtime(room.draft.created_at)
    url = reverse("articles:article-detail", kwargs={
        "year": f"{local.year:04d}", "month": f"{local.month:02d}",
        "day": f"{local.day:02d}", "slug": room.draft.slug})
    assert client.get(url).status_code == 404


def test_scheduled_article_is_404_until_its_time_then_public(client):
    with time_machine.travel("2026-03-01 09:00:00Z", tick=False):
        scheduled = make_article(
            "Scheduled budget story", published_at=timezone.now() + timedelta(hours=2),
            slug="budget-story",
        )
        url = scheduled.get_absolute_url()
        assert client.get(url).status_code == 404
        assert "Scheduled budget story" not in client.get("/").content.decode()
    with time_machine.travel("2026-03-01 11:30:00Z", tick=False):
        assert client.get(url).status_code == 200


def test_a_withdrawn_article_answers_410_gone_with_the_newsrooms_note(client, room):
    """Readers (and proxies, crawlers) are told the story was withdrawn, not that the
    address never existed; the note is the newsroom's public one, the story is not shown."""
    article = room.articles[2]
    url = article.get_absolute_url()
    Article.objects.filter(pk=article.pk).update(status=Article.Status.WITHDRAWN)
    response = client.get(url)
    assert response.status_code == 410
    page = response.content.decode()
    assert "This article has been withdrawn" in page
    assert article.headline not in page and "noindex" in page
    assert "s-maxage=" in response["Cache-Control"]
    Article.objects.filter(pk=article.pk).update(
        withdrawal_note="It relied on a source we could not verify.")
    assert "could not verify" in client.get(url).content.decode()
    assert client.get(url.replace(article.slug, "never-existed")).status_code == 404


def test_a_draft_or_a_scheduled_story_is_a_plain_404(client, room):
    """Only a story readers once had answers 410; the others do not exist for readers."""
    for article in (room.draft, room.scheduled):
        local = timezone.localtime(article.published_at or timezone.now())
        url = f"/{local:%Y/%m/%d}/{article.slug}/"
        assert client.get(url).status_code == 404


def test_country_index_lists_only_countries_with_published_articles(client, room):
    make_article("Only a draft about Peru", status=Article.Status.DRAFT, countries=["PE"])
    html = client.get(reverse("articles:country-list")).content.decode()
    assert ">India</a>" in html and "3 articles" in html
    assert ">China</a> <span class=\"count\">1 article</span>" in html
    assert "Peru" not in html and "Brazil" not in html


def test_minister_index_shows_office_and_country(client, room):
    html = client.get(reverse("articles:minister-list")).content.decode()
    assert "Sergey Lavrov" in html
    assert "Minister of External Affairs, India" in html


def test_policy_index_counts_published_articles_only(client, room):
    html = client.get(reverse("articles:policy-list")).content.decode()
    assert ">Energy cooperation</a> <span class=\"count\">3 articles</span>" in html
    assert ">Make in India</a> <span class=\"count\">2 articles</span>" in html


def test_country_page_lists_articles_newest_first_with_often_covered_and_bilateral(client, room):
    html = client.get(room.russia.get_absolute_url()).content.decode()
    assert html.index("session 0") < html.index("session 1") < html.index("session 2")
    assert "Often covered with" in html
    assert room.lavrov.get_absolute_url() in html
    bilateral = reverse("articles:bilateral", kwargs={"slug": "india", "other": "russia"})
    assert f'href="{bilateral}"' in html
    assert "Embargoed story" not in html


def test_minister_page_shows_office_and_country(client, room):
    html = client.get(room.jaishankar.get_absolute_url()).content.decode()
    assert "Minister of External Affairs" in html
    assert room.india.get_absolute_url() in html
    assert "session 0" in html


def test_policy_page_shows_description(client, room):
    html = client.get(room.energy.get_absolute_url()).content.decode()
    assert "Oil, gas and nuclear deals." in html
    assert "session 2" in html


@pytest.mark.parametrize("url", [
    "/countries/atlantis/", "/ministers/nobody/", "/policies/no-such-policy/",
    "/countries/atlantis/feed/",
])
def test_unknown_tag_pages_are_404(client, room, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("page", ["0", "-1", "abc", "2", "99999999999999999999", "1.5"])
def test_bad_or_out_of_range_page_is_404(client, room, page):
    response = client.get(room.india.get_absolute_url(), {"page": page})
    assert response.status_code == 404


def test_pagination_splits_long_listings(client):
    india = country("IN")
    for i in range(21):
        make_article(f"Numbered story {i:02d}", countries=[india])
    first = client.get(india.get_absolute_url()).content.decode()
    second = client.get(india.get_absolute_url(), {"page": "2"}).content.decode()
    assert "Page 1 of 2" in first and 'rel="next"' in first
    assert "Numbered story 20" in second and "Numbered story 00" not in second


def test_bilateral_page_lists_articles_with_both_countries(client, room):
    make_article("Only about India and France", countries=["IN", "FR"])
    html = client.get(reverse("articles:bilateral",
                              kwargs={"slug": "india", "other": "russia"})).content.decode()
    assert "India and Russia" in html
    assert "session 1" in html
    assert "Only about India and France" not in html


def test_bilateral_page_in_reverse_order_redirects_permanently(client, room):
    response = client.get("/countries/russia/india/?page=1")
    assert response.status_code == 301
    assert response["Location"] == "/countries/india/russia/?page=1"


@pytest.mark.parametrize("url", ["/countries/india/india/", "/countries/india/atlantis/"])
def test_bilateral_page_with_same_or_unknown_country_is_404(client, room, url):
    assert client.get(url).status_code == 404


def test_archives_by_year_and_month(client):
    with time_machine.travel("2026-06-15 12:00:00Z", tick=False):
        make_article("June diplomacy roundup", published_at=timezone.now())
        make_article("May diplomacy roundup", published_at=timezone.now() - timedelta(days=30))
    year = client.get("/archive/2026/").content.decode()
    assert "June diplomacy roundup" in year and "May diplomacy roundup" in year
    assert 'href="/archive/2026/06/"' in year
    month = client.get("/archive/2026/06/").content.decode()
    assert "June diplomacy roundup" in month and "May diplomacy roundup" not in month


def test_archive_index_lists_years_with_published_articles(client):
    make_article("Old story", published_at=timezone.make_aware(datetime(2019, 6, 1, 12)))
    make_article("Unpublished old story", status=Article.Status.DRAFT,
                 published_at=timezone.make_aware(datetime(2017, 6, 1, 12)))
    html = client.get(reverse("articles:archive-index")).content.decode()
    assert 'href="/archive/2019/"' in html and "/archive/2017/" not in html


@pytest.mark.parametrize("url", ["/archive/2026/13/", "/archive/2026/00/", "/archive/0000/",
                                 "/archive/1999/", "/archive/2019/02/"])
def test_impossible_archive_dates_are_404(client, url):
    assert client.get(url).status_code == 404


def test_styled_404_page(client, db):
    response = client.get("/countries/atlantis/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in html and 'role="search"' in html


def test_500_page_renders_without_a_request_or_database():
    from django.template import loader

    html = loader.get_template("500.html").render()
    assert "Something went wrong" in html


def test_every_page_has_skip_link_landmarks_and_language(client, room):
    for url in ("/", room.india.get_absolute_url(), room.articles[0].get_absolute_url(),
                "/countries/", "/search/?q=cargo"):
        html = client.get(url).content.decode()
        assert '<html lang="en' in html
        assert 'href="#main">Skip to content' in html
        assert '<main id="main"' in html and "<header" in html and "<footer" in html
        assert html.count("<h1") == 1, url


def test_listing_pages_link_their_rss_feed(client, room):
    pages = {
        "/": "/feeds/latest/",
        room.india.get_absolute_url(): "/countries/india/feed/",
        room.lavrov.get_absolute_url(): "/ministers/sergey-lavrov/feed/",
        room.energy.get_absolute_url(): "/policies/energy-cooperation/feed/",
        "/countries/india/russia/": "/countries/india/russia/feed/",
    }
    for url, feed in pages.items():
        html = client.get(url).content.decode()
        assert 'type="application/rss+xml" title=' in html
        assert f'href="{feed}"' in html, url


def test_staff_preview_shows_a_draft_with_banner_and_no_cache(editor_client, room):
    response = editor_client.get(reverse("articles:article-preview",
                                         kwargs={"pk": room.draft.pk}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Preview — not public" in html
    assert "Unfinished draft about a secret summit" in html
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex, nofollow">' in html


def test_anonymous_preview_redirects_to_login(client, room):
    response = client.get(reverse("articles:article-preview", kwargs={"pk": room.draft.pk}))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_robots_txt_points_at_both_sitemaps(client, db):
    text = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Sitemap: http://testserver/news-sitemap.xml" in text


def test_unsafe_body_markup_never_reaches_the_page(client):
    article = make_article(
        body='<p>Fine text</p><script>alert("x")</script><img src=x onerror=alert(1)>'
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Fine text" in html
    assert 'alert("x")</script>' not in html and "onerror" not in html


def test_listings_page_back_a_bounded_distance_then_point_to_the_archive(client, monkeypatch):
    from articles.public.pagination import ListingPaginator

    monkeypatch.setattr(ListingPaginator, "max_pages", 2)
    for i in range(45):
        make_article(f"Bounded story {i}", countries=["IN"])
    url = country("IN").get_absolute_url()
    last = client.get(url, {"page": "2"}).content.decode()
    assert "Page 2 of 2" in last and "Older articles are in the archive" in last
    assert client.get(url, {"page": "3"}).status_code == 404


def test_deep_listing_pages_read_from_anchors_show_exactly_the_offset_pages(
    client, monkeypatch
):
    """Deep pages start from a remembered first article instead of an OFFSET: the same
    articles, in the same order, ties in publication time included; a new story moves
    every page along at once."""
    from articles.public import pagination, views

    monkeypatch.setattr(views.ArticleListView, "paginate_by", 3)
    monkeypatch.setattr(pagination, "KEYSET_FROM_PAGE", 1)
    same_minute = timezone.now() - timedelta(days=2)
    for i in range(11):
        make_article(f"Anchor story {i:02d}", countries=["IN"],
                     published_at=same_minute if i in (3, 4, 5, 6) else None)
    url = country("IN").get_absolute_url()

    def headlines(page):
        html = client.get(url, {"page": page}).content.decode()
        return re.findall(r"Anchor story \d\d", html)

    def expected():
        ordered = Article.objects.published().order_by("-published_at", "-id")
        names = [a.headline for a in ordered]
        return [names[i:i + 3] for i in range(0, len(names), 3)]

    assert [headlines(n) for n in range(1, 5)] == expected()
    make_article("Anchor story 99", countries=["IN"])
    assert [headlines(n) for n in range(1, 5)] == expected()[:4]
    assert headlines(2)[0] == expected()[1][0] != "Anchor story 99"


def test_wire_story_without_standfirst_or_byline_still_has_summary_and_author(client):
    with time_machine.travel("2026-04-02 10:00:00Z", tick=False):
        article = make_article(
            "Wire copy about grain", standfirst="", authors=(),
            published_at=timezone.now() - timedelta(days=400),
            body="<p>Grain &amp; oilseed shipments resumed through the strait.</p>",
        )
        html = client.get(article.get_absolute_url()).content.decode()
    assert '<meta name="description" content="Grain &amp; oilseed shipments resumed' in html
    data = json_ld(html)
    assert data["description"].startswith("Grain & oilseed shipments resumed")
    assert data["author"] == [data["publisher"]]
    assert "Updated <time" not in html, "importing an old story is not an update"


def test_an_edit_after_publication_shows_as_an_update(client):
    with time_machine.travel("2026-04-02 10:00:00Z", tick=False):
        article = make_article("Talks resume", published_at=timezone.now())
    with time_machine.travel("2026-04-02 15:00:00Z", tick=False):
        article.standfirst = "Talks resumed after a recess."
        article.save()
        html = client.get(article.get_absolute_url()).content.decode()
    assert 'Updated <time datetime="2026-04-02T15:00:00' in html
    assert json_ld(html)["dateModified"].startswith("2026-04-02T15:00:00")


def test_article_image_has_alt_text_caption_and_appears_in_metadata(client):
    image = make_image("Two cranes on a barge", caption="The cranes reached port at dawn.",
                       credit="Staff photographer")
    article = make_article("Harbour cranes arrive", hero_image=image)
    html = client.get(article.get_absolute_url()).content.decode()
    picture = re.search(r"<picture.*?</picture>", html, re.S).group(0)
    assert 'alt="Two cranes on a barge"' in picture
    assert 'fetchpriority="high"' in picture and 'loading="lazy"' not in picture
    assert 'width="800" height="500"' in picture
    assert "The cranes reached port at dawn." in html and "Staff photographer" in html
    share = f"http://testserver{image.rendition_url(FULL, 1200, 'jpeg')}"
    assert f'<meta property="og:image" content="{share}">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert json_ld(html)["image"] == [share]


@pytest.mark.django_db
def test_ministers_named_in_other_scripts_get_working_pages(client):
    """A vocabulary entry in Chinese or Cyrillic is linked and has its own page."""
    from tests.factories import make_article, make_minister

    wang = make_minister("王毅", office="Minister of Foreign Affairs")
    lavrov = make_minister("Сергей Лавров")
    make_article("Talks in Beijing", ministers=[wang, lavrov])
    assert (wang.slug, lavrov.slug) == ("王毅", "сергей-лавров")
    index = client.get("/ministers/")
    assert index.status_code == 200
    for minister in (wang, lavrov):
        page = client.get(minister.get_absolute_url())
        assert page.status_code == 200 and minister.name in page.content.decode()
    assert client.get("/feed/").status_code == 200


@pytest.mark.django_db
def test_a_merged_ministers_old_page_redirects_to_the_kept_one(client):
    from articles.editorial import services
    from tests.factories import make_article, make_minister

    sergey, sergei = make_minister("Sergey Lavrov"), make_minister("Sergei Lavrov")
    make_article("Talks", ministers=[sergei])
    services.tag_merge(keep=sergey, merged=[sergei])
    response = client.get("/ministers/sergei-lavrov/")
    assert response.status_code == 301
    assert response["Location"] == "/ministers/sergey-lavrov/"
    assert client.get("/ministers/nobody-at-all/").status_code == 404


@pytest.mark.django_db
def test_entries_and_pairs_nobody_has_written_about_are_not_pages(client):
    """No soft 404s: an empty country page or bilateral page answers 404."""
    from tests.factories import make_article

    make_article("Moscow talks", countries=["RU"])
    assert client.get("/countries/russia/").status_code == 200
    assert client.get("/countries/antarctica/").status_code == 404
    assert client.get("/countries/antarctica/russia/").status_code == 404


def test_made_up_query_parameters_do_not_multiply_remembered_listings(client):
    """A crawler adding ?utm=1, ?utm=2, … to a listing gets the same page and adds no
    new remembered counts or anchors to the worker's memory."""
    from articles.caching import state

    make_article("Parameter story", countries=["IN"])
    url = country("IN").get_absolute_url()
    client.get(url, {"utm": "0"})
    entries = len(state.memory.values)
    for n in range(1, 6):
        assert client.get(url, {"utm": str(n)}).status_code == 200
    assert len(state.memory.values) == entries


def test_search_says_how_many_results_even_past_the_listing_bound(client, monkeypatch):
    from articles.public.pagination import ListingPaginator

    monkeypatch.setattr(ListingPaginator, "max_pages", 1)
    for i in range(25):
        make_article(f"Counted story {i}", countries=["IN"])
    html = client.get("/search/", {"country": "india"}).content.decode()
    assert "25 results" in html
