"""Authors: ordered bylines that link to the author's page and feed, their pages kept
fresh by the cache, and the bylines of older rows, exports and imports carried over."""

import json
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleAuthor, Author
from articles.wire.exporting import export_lines
from articles.wire.files import import_file
from tests.admin_forms import article_post_data
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def author_named(name):
    return Author.objects.get(name=name)


def names(article):
    return [author.name for author in article.ordered_authors()]


# --- the byline on the article -------------------------------------------------------


def test_the_byline_reads_in_position_order_and_links_to_each_author(client):
    article = make_article("Ports deal signed", authors=["Meera Iyer", "Arun Kumar"])
    html = client.get(article.get_absolute_url()).content.decode()
    assert ('By <a href="/authors/meera-iyer/">Meera Iyer</a> and '
            '<a href="/authors/arun-kumar/">Arun Kumar</a>') in html


def test_wire_copy_without_authors_shows_its_source(client):
    article = make_article("Grain talks resume", authors=(), source="Reuters")
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<span class="article__source">Reuters</span>' in html
    assert "By " not in html.split('class="article__meta"')[1].split("</div>")[0]


def test_json_ld_names_each_author_as_a_person_with_the_author_page(client):
    article = make_article("Ports deal signed", authors=["Meera Iyer", "Arun Kumar"])
    html = client.get(article.get_absolute_url()).content.decode()
    data = json.loads(html.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert data["author"] == [
        {"@type": "Person", "name": "Meera Iyer", "url": "http://testserver/authors/meera-iyer/"},
        {"@type": "Person", "name": "Arun Kumar", "url": "http://testserver/authors/arun-kumar/"},
    ]


# --- author pages ----------------------------------------------------------------------


def test_author_page_shows_role_bio_and_their_public_articles_newest_first(client):
    now = timezone.now()
    older = make_article("Older story by Meera", authors=["Meera Iyer"],
                         published_at=now - timedelta(days=2))
    newer = make_article("Newer story by Meera", authors=["Meera Iyer"],
                         published_at=now - timedelta(hours=1))
    make_article("A draft by Meera", authors=["Meera Iyer"], status=Article.Status.DRAFT)
    make_article("Scheduled story by Meera", authors=["Meera Iyer"],
                 published_at=now + timedelta(days=1))
    make_article("Someone else's story", authors=["Arun Kumar"])
    Author.objects.filter(name="Meera Iyer").update(role="Trade editor",
                                                    bio="Meera reads customs tables.")

    html = client.get("/authors/meera-iyer/").content.decode()

    assert '<h1 class="page-title">Meera Iyer</h1>' in html
    assert "Trade editor" in html and "Meera reads customs tables." in html
    assert html.index(newer.headline) < html.index(older.headline)
    for hidden in ("A draft by Meera", "Scheduled story by Meera", "Someone else"):
        assert hidden not in html
    assert 'href="/authors/meera-iyer/feed/"' in html


def test_author_page_carries_a_profile_page_with_the_person(client):
    make_article(authors=["Meera Iyer"])
    Author.objects.filter(name="Meera Iyer").update(role="Trade editor", bio="Reads </script>.")
    html = client.get("/authors/meera-iyer/").content.decode()
    data = json.loads(html.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert data == {"@context": "https://schema.org", "@type": "ProfilePage",
                    "url": "http://testserver/authors/meera-iyer/",
                    "mainEntity": {"@type": "Person", "name": "Meera Iyer",
                                   "url": "http://testserver/authors/meera-iyer/",
                                   "jobTitle": "Trade editor", "description": "Reads </script>."}}


def test_author_index_lists_authors_with_public_articles_and_their_counts(client):
    make_article(authors=["Meera Iyer"])
    make_article(authors=["Meera Iyer", "Arun Kumar"])
    make_article(authors=["Lena Fischer"], status=Article.Status.DRAFT)
    html = client.get("/authors/").content.decode()
    assert '<a href="/authors/meera-iyer/">Meera Iyer</a> <span class="count">2 articles' in html
    assert '<a href="/authors/arun-kumar/">Arun Kumar</a> <span class="count">1 article<' in html
    assert "Lena Fischer" not in html


@pytest.mark.parametrize("url", [
    "/authors/nobody-here/", "/authors/nobody-here/feed/", "/authors/%00x/",
    "/authors/lena-fischer/",  # only a draft: no page for readers yet
])
def test_unknown_or_unpublished_authors_are_not_found(client, url):
    make_article(authors=["Lena Fischer"], status=Article.Status.DRAFT)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("page", ["abc", "0", "999", "-1", "1.5"])
def test_a_bad_page_of_an_author_is_not_found(client, page):
    make_article(authors=["Meera Iyer"])
    assert client.get("/authors/meera-iyer/", {"page": page}).status_code == 404


def test_author_pages_paginate_like_the_tag_pages(client, settings):
    for i in range(25):
        make_article(f"Story {i}", authors=["Meera Iyer"])
    first = client.get("/authors/meera-iyer/").content.decode()
    second = client.get("/authors/meera-iyer/", {"page": "2"}).content.decode()
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert second.count('class="card') < first.count('class="card')


def test_author_feed_lists_their_articles_with_their_names(client):
    make_article("Ports deal signed", authors=["Meera Iyer", "Arun Kumar"])
    make_article("Not hers", authors=["Arun Kumar"])
    response = client.get("/authors/meera-iyer/feed/")
    channel = ET.fromstring(response.content).find("channel")
    assert channel.findtext("title") == "Meera Iyer — Newsroom"
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == ["Ports deal signed"]
    assert items[0].findtext("{http://purl.org/dc/elements/1.1/}creator") == (
        "Meera Iyer, Arun Kumar")


def test_sitemap_lists_author_pages_with_public_articles(client):
    make_article(authors=["Meera Iyer"])
    make_article(authors=["Lena Fischer"], status=Article.Status.DRAFT)
    body = client.get("/sitemap.xml").content.decode()
    assert "<loc>http://testserver/authors/meera-iyer/</loc>" in body
    assert "lena-fischer" not in body


# --- the cache -------------------------------------------------------------------------


def cached(client, *urls):
    for url in urls:
        assert client.get(url).status_code == 200, url
        assert client.get(url)["X-Page-Cache"] == "hit", url


def test_editing_an_author_refreshes_their_page_and_every_byline_but_no_other_page(client):
    mine = make_article("Ports deal signed", authors=["Meera Iyer"])
    other = make_article("Grain talks resume", authors=["Arun Kumar"])
    showing = [mine.get_absolute_url(), "/authors/meera-iyer/", "/authors/meera-iyer/feed/",
               "/authors/"]
    elsewhere = [other.get_absolute_url(), "/authors/arun-kumar/", "/"]
    cached(client, *showing, *elsewhere)

    author = author_named("Meera Iyer")
    author.name = "Meera Iyer-Rao"
    author.save()

    for url in showing:
        response = client.get(url)
        assert response["X-Page-Cache"] == "miss", url
        assert "Meera Iyer-Rao" in response.content.decode(), url
    for url in elsewhere:
        assert client.get(url)["X-Page-Cache"] == "hit", url


def test_a_publication_refreshes_its_authors_pages_and_not_their_other_articles(client):
    earlier = make_article("Ports deal signed", authors=["Meera Iyer"])
    cached(client, "/authors/meera-iyer/", earlier.get_absolute_url())

    make_article("Fresh from Meera", authors=["Meera Iyer"])

    page = client.get("/authors/meera-iyer/")
    assert page["X-Page-Cache"] == "miss" and "Fresh from Meera" in page.content.decode()
    assert client.get(earlier.get_absolute_url())["X-Page-Cache"] == "hit"


def test_adding_an_author_to_a_live_article_refreshes_it_and_their_page(client):
    article = make_article("Ports deal signed", authors=["Meera Iyer"])
    make_article("Arun's other story", authors=["Arun Kumar"])
    cached(client, article.get_absolute_url(), "/authors/arun-kumar/")

    ArticleAuthor.objects.create(article=article, author=author_named("Arun Kumar"),
                                 position=1)

    assert "Arun Kumar" in client.get(article.get_absolute_url()).content.decode()
    assert "Ports deal signed" in client.get("/authors/arun-kumar/").content.decode()


# --- the admin -------------------------------------------------------------------------


def test_an_editor_orders_the_byline_on_the_article_form(editor_client):
    article = make_article("Ports deal signed", authors=())
    meera = Author.objects.create(name="Meera Iyer", slug="meera-iyer")
    arun = Author.objects.create(name="Arun Kumar", slug="arun-kumar")
    data = article_post_data(article, **{
        "article_authors-TOTAL_FORMS": "2",
        "article_authors-0-author": str(arun.pk), "article_authors-0-position": "1",
        "article_authors-1-author": str(meera.pk), "article_authors-1-position": "0",
    })
    response = editor_client.post(
        reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert names(article) == ["Meera Iyer", "Arun Kumar"]


def test_the_same_author_twice_on_one_article_is_refused(editor_client):
    article = make_article("Ports deal signed", authors=())
    meera = Author.objects.create(name="Meera Iyer", slug="meera-iyer")
    data = article_post_data(article, **{
        "article_authors-TOTAL_FORMS": "2",
        "article_authors-0-author": str(meera.pk), "article_authors-0-position": "0",
        "article_authors-1-author": str(meera.pk), "article_authors-1-position": "1",
    })
    response = editor_client.post(
        reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 200
    assert not ArticleAuthor.objects.exists()


@pytest.mark.parametrize("author", ["abc", "99999999", "²", "-1"])
def test_a_crafted_author_id_is_a_form_error_not_a_server_error(editor_client, author):
    article = make_article("Ports deal signed", authors=())
    data = article_post_data(article, **{
        "article_authors-TOTAL_FORMS": "1", "article_authors-0-author": author,
        "article_authors-0-position": "0",
    })
    response = editor_client.post(
        reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 200
    assert not ArticleAuthor.objects.exists()


def test_author_admin_searches_and_refuses_a_control_character(editor_client):
    Author.objects.create(name="Meera Iyer", slug="meera-iyer", role="Trade editor")
    listing = editor_client.get(reverse("admin:articles_author_changelist"), {"q": "trade"})
    assert "Meera Iyer" in listing.content.decode()
    response = editor_client.post(reverse("admin:articles_author_add"), {
        "name": "Arun\x01 Kumar", "slug": "arun-kumar", "role": "", "bio": "", "user": "",
    })
    assert response.status_code == 200
    assert "invisible control character" in response.content.decode()
    assert not Author.objects.filter(slug="arun-kumar").exists()


# --- bylines of older rows, exports and imports -----------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_bylines_into_ordered_authors_same_name_same_author():
    """0017 on rows as they were: comma-separated names, odd spacing and repeats; and
    back again."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("articles", "0017_authors")]
    executor = MigrationExecutor(connection)
    after = executor.loader.graph.leaf_nodes()  # today's models read the rows
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    OldArticle = old.get_model("articles", "Article")
    for slug, bylines in [("one", " Arun  Kumar, Meera Iyer,,Arun Kumar "),
                          ("two", "Meera Iyer"), ("three", "")]:
        OldArticle.objects.create(headline=slug, slug=slug, bylines=bylines)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)

    assert names(Article.objects.get(slug="one")) == ["Arun Kumar", "Meera Iyer"]
    assert names(Article.objects.get(slug="two")) == ["Meera Iyer"]
    assert names(Article.objects.get(slug="three")) == []
    assert sorted(Author.objects.values_list("slug", flat=True)) == ["arun-kumar", "meera-iyer"]

    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    assert old.get_model("articles", "Article").objects.get(slug="one").bylines == (
        "Arun Kumar, Meera Iyer")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def export_and_clear():
    lines = list(export_lines())
    ArticleAuthor.objects.all().delete()
    Article.objects.all().delete()
    Author.objects.all().delete()
    return lines


def test_export_and_import_carry_authors_whole_and_in_order(tmp_path):
    article = make_article("Ports deal signed", slug="ports-deal",
                           authors=["Meera Iyer", "Arun Kumar"], source="Reuters")
    Author.objects.filter(name="Meera Iyer").update(
        slug="meera", role="Trade editor", bio="Reads customs tables.")
    assert names(article) == ["Meera Iyer", "Arun Kumar"]
    path = tmp_path / "export.jsonl"
    path.write_text("".join(export_and_clear()), encoding="utf-8")

    assert import_file(path).outcome == "imported"

    restored = Article.objects.get(slug="ports-deal")
    assert names(restored) == ["Meera Iyer", "Arun Kumar"]
    assert restored.source == "Reuters"
    meera = author_named("Meera Iyer")
    assert (meera.slug, meera.role, meera.bio) == ("meera", "Trade editor",
                                                   "Reads customs tables.")


def test_an_old_export_with_bylines_or_author_names_still_imports(tmp_path):
    lines = [
        {"headline": "Old line", "slug": "old-line", "status": "draft",
         "bylines": "Arun Kumar, Meera Iyer"},
        {"headline": "Names only", "slug": "names-only", "status": "draft",
         "authors": ["Meera Iyer"]},
    ]
    path = tmp_path / "old.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    assert import_file(path).outcome == "imported"
    assert names(Article.objects.get(slug="old-line")) == ["Arun Kumar", "Meera Iyer"]
    assert names(Article.objects.get(slug="names-only")) == ["Meera Iyer"]
    assert Author.objects.filter(name="Meera Iyer").count() == 1


@pytest.mark.parametrize("authors", [
    [{"name": "x" * 200}], ["not an object"], [{"name": "Ok", "slug": "not a slug!"}],
])
def test_a_bad_author_in_an_export_fails_the_file_and_stores_nothing(tmp_path, authors):
    line = {"headline": "Bad", "slug": "bad", "status": "draft", "author_details": authors}
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    result = import_file(path)
    assert result.outcome == "failed" and "line 1" in result.message
    assert not Article.objects.exists() and not Author.objects.exists()


def test_plain_text_wire_copy_keeps_its_source(tmp_path, settings):
    settings.NEWSROOM_WIRE_SOURCE = "Press Trust"
    path = tmp_path / "wire.txt"
    path.write_text("date 2024-03-01 Ministers met in Delhi to talk about ports.\n",
                    encoding="utf-8")
    assert import_file(path).outcome == "imported"
    article = Article.objects.get()
    assert article.source == "Press Trust" and names(article) == []


def test_an_author_photo_shows_as_a_portrait_and_an_edit_of_it_refreshes_the_page(client):
    from tests.factories import make_image

    make_article("Ports deal signed", authors=["Meera Iyer"])
    photo = make_image("Meera Iyer at her desk", width=800, height=1000)
    Author.objects.filter(name="Meera Iyer").update(photo=photo)
    html = client.get("/authors/meera-iyer/").content.decode()
    assert '<picture class="picture picture--portrait">' in html
    assert 'alt="Meera Iyer at her desk"' in html and 'loading="lazy"' in html
    assert client.get("/authors/meera-iyer/")["X-Page-Cache"] == "hit"

    photo.alt_text = "Meera Iyer in Delhi"
    photo.save()

    assert 'alt="Meera Iyer in Delhi"' in client.get("/authors/meera-iyer/").content.decode()
