"""The read API (/api/v1/): what readers and staff get, pagination, caching, bad input."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.api.cursors import Cursor
from articles.models import ApiToken, Article, Correction
from tests.factories import make_article, make_editor, make_reporter
from tests.public_data import build_newsroom

pytestmark = pytest.mark.django_db

LIST = "/api/v1/articles/"


def detail(article):
    return f"/api/v1/articles/{article.pk}/"


@pytest.fixture
def room():
    return build_newsroom(published=25)


def get_json(client, url, status=200, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == status, (url, response.content[:300])
    return response.json()


def headlines(items):
    return [item["headline"] for item in items]


def all_pages(client, url, **headers):
    """Every item of a list, following ``next``; and how many pages it took."""
    items, pages = [], 0
    while url:
        body = get_json(client, url, **headers)
        items += body["items"]
        url, pages = body["next"], pages + 1
    return items, pages


def test_the_list_shows_public_articles_newest_first_in_cursor_pages(client, room):
    items, pages = all_pages(client, f"{LIST}?limit=10")
    assert pages == 3
    assert headlines(items) == [a.headline for a in room.articles]
    assert room.draft.headline not in headlines(items)
    assert room.scheduled.headline not in headlines(items)


def test_answers_are_compact_utf8_json(client, room):
    """No spaces between tokens and letters as they are, not escaped: fewer bytes for
    every app and partner reading the list."""
    import json

    make_article("Türkiye and Japan sign a port deal")
    body = client.get(f"{LIST}?limit=100").content
    assert body == json.dumps(json.loads(body), separators=(",", ":"),
                              ensure_ascii=False).encode()
    assert "Türkiye".encode() in body


def test_a_story_published_between_pages_neither_repeats_nor_hides_a_row(client, room):
    first = get_json(client, f"{LIST}?limit=5")
    make_article("Breaking: a new story", published_at=timezone.now() - timedelta(minutes=1))
    cache.clear()
    second = get_json(client, first["next"])
    assert headlines(second["items"]) == [a.headline for a in room.articles[5:10]]


def test_an_item_carries_its_tags_addresses_and_no_body(client, room):
    item = get_json(client, f"{LIST}?limit=1")["items"][0]
    article = room.articles[0]
    assert item["id"] == article.pk
    assert item["url"].endswith(article.get_absolute_url())
    assert item["api_url"].endswith(detail(article))
    assert [t["code"] for t in item["tags"]["countries"]] == ["CN", "IN", "RU"]
    assert [t["slug"] for t in item["tags"]["ministers"]] == ["s-jaishankar", "sergey-lavrov"]
    assert item["status"] == "published"
    assert "body" not in item


@pytest.mark.parametrize("query, expected", [
    ("country=cn", [0, 3, 6, 9, 12, 15, 18, 21, 24]),
    ("country=china", [0, 3, 6, 9, 12, 15, 18, 21, 24]),
    ("policy=make-in-india&country=CN", [0, 6, 12, 18, 24]),
    ("minister=sergey-lavrov&limit=3", [0, 1, 2]),
])
def test_filters_by_tag_narrow_the_list(client, room, query, expected):
    items = get_json(client, f"{LIST}?{query}")["items"]
    assert headlines(items) == [room.articles[i].headline for i in expected]


def test_filters_by_date_range_and_update_time(client, room):
    old = make_article("A story from 2019", published_at=timezone.now().replace(year=2019))
    items = get_json(client, f"{LIST}?from=2019-01-01&to=2019-12-31")["items"]
    assert headlines(items) == [old.headline]
    Article.objects.filter(pk=room.articles[7].pk).update(
        updated_at=timezone.now() + timedelta(hours=1))
    since = (timezone.now() + timedelta(minutes=30)).isoformat()
    items = get_json(client, f"{LIST}?updated_since={since.replace('+', '%2B')}")["items"]
    assert headlines(items) == [room.articles[7].headline]


def test_detail_shows_the_body_tags_and_corrections(client, room):
    article = room.articles[2]
    Correction.objects.create(article=article, note="The minister's title was wrong.")
    body = get_json(client, detail(article))
    assert body["body"] == article.body
    assert [c["note"] for c in body["corrections"]] == ["The minister's title was wrong."]
    assert body["ninjs_url"].endswith(f"{detail(article)}?format=ninjs")


def test_drafts_scheduled_and_withdrawn_stories_are_not_found_by_readers(client, room):
    withdrawn = make_article("A withdrawn story", status=Article.Status.WITHDRAWN,
                             published_at=timezone.now() - timedelta(days=1))
    for article in (room.draft, room.scheduled, withdrawn):
        assert get_json(client, detail(article), 404) == {"detail": "No such article."}


def test_tags_of_each_taxonomy_with_counts_and_tag_detail(client, room):
    countries = get_json(client, "/api/v1/tags/countries/")["items"]
    assert [(t["code"], t["article_count"]) for t in countries] == [
        ("CN", 9), ("IN", 25), ("RU", 25)]
    policies = get_json(client, "/api/v1/tags/policies/")["items"]
    assert {t["slug"]: t["article_count"] for t in policies} == {
        "energy-cooperation": 25, "make-in-india": 13}
    lavrov = get_json(client, "/api/v1/tags/ministers/sergey-lavrov/")
    assert (lavrov["article_count"], lavrov["country"]) == (25, "RU")
    assert get_json(client, lavrov["articles_api_url"])["items"]


def test_search_uses_the_sites_engine_and_filters(client, room):
    items = get_json(client, "/api/v1/search/?q=Lavrov&country=china&limit=50")["items"]
    assert len(items) == 9
    assert get_json(client, "/api/v1/search/?q=zzyzx-nothing")["items"] == []
    assert get_json(client, "/api/v1/search/")["items"] == []


def test_corrections_of_public_articles_newest_first(client, room):
    now = timezone.now()
    Correction.objects.create(article=room.articles[1], note="First note.",
                              created_at=now - timedelta(hours=2))
    Correction.objects.create(article=room.articles[3], note="Second note.",
                              created_at=now - timedelta(hours=1))
    Correction.objects.create(article=room.draft, note="A draft's note.")
    items, pages = all_pages(client, "/api/v1/corrections/?limit=1")
    assert [c["note"] for c in items] == ["Second note.", "First note."]
    assert items[0]["article"]["id"] == room.articles[3].pk


# Staff with a token or a session.

def token_for(user, editor=None):
    return ApiToken.issue(user=user, name="Newsletter", by=editor or user)[1]


def test_a_reporter_with_a_token_reads_their_own_draft_and_not_a_colleagues(client, room):
    reporter, colleague = make_reporter(), make_reporter("meera")
    own = make_article("My draft", status=Article.Status.DRAFT, created_by=reporter)
    theirs = make_article("Their draft", status=Article.Status.DRAFT, created_by=colleague)
    auth = {"Authorization": f"Bearer {token_for(reporter)}"}
    response = client.get(detail(own), headers=auth)
    assert response.status_code == 200
    assert response.json()["status"] == "draft"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert client.get(detail(theirs), headers=auth).status_code == 404
    drafts = get_json(client, f"{LIST}?status=draft", **auth)["items"]
    assert headlines(drafts) == ["My draft"]


def test_an_editor_with_a_token_lists_every_draft(client, room):
    editor = make_editor()
    auth = {"Authorization": f"Bearer {token_for(editor)}"}
    drafts = headlines(get_json(client, f"{LIST}?status=draft", **auth)["items"])
    assert drafts == [room.draft.headline]
    scheduled = headlines(get_json(client, f"{LIST}?status=scheduled", **auth)["items"])
    assert scheduled == [room.scheduled.headline]


def test_a_staff_session_reads_drafts_and_is_never_cached(client, room):
    from tests.signing_in import sign_in

    sign_in(client, make_editor())
    for _ in range(2):
        response = client.get(detail(room.draft))
        assert response.status_code == 200
        assert "X-Page-Cache" not in response
        assert "no-store" in response["Cache-Control"]


def test_a_token_request_never_gets_the_cached_public_copy(client, room):
    editor = make_editor()
    client.get(f"{LIST}?status=draft")
    assert client.get(LIST)["X-Page-Cache"] == "miss"
    assert client.get(LIST)["X-Page-Cache"] == "hit"
    response = client.get(LIST, headers={"Authorization": f"Bearer {token_for(editor)}"})
    assert "X-Page-Cache" not in response
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("header", ["Bearer nr_made-up", "Bearer ", "Basic abc", "Bearer é"])
def test_an_unknown_or_malformed_token_is_a_401_not_the_public_view(client, room, header):
    response = client.get(LIST, headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["detail"]
    assert "no-store" in response["Cache-Control"]


def test_a_revoked_token_opens_nothing(client, room):
    editor = make_editor()
    token, key = ApiToken.issue(user=editor, name="Old", by=editor)
    token.revoke()
    response = client.get(detail(room.draft), headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 401


def test_the_key_is_stored_only_as_a_hash(room):
    editor = make_editor()
    token, key = ApiToken.issue(user=editor, name="Feeds", by=editor)
    assert key not in {token.key_hash, token.key_start, token.name}
    assert ApiToken.objects.holder_of(key) == token


def test_the_status_filter_needs_a_token(client, room):
    assert get_json(client, f"{LIST}?status=draft", 403)["detail"]


# Caching.

def test_readers_get_validators_and_a_304(client, room):
    first = client.get(detail(room.articles[0]))
    assert first["ETag"] and first["Last-Modified"]
    again = client.get(detail(room.articles[0]), headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304


def test_an_edit_is_visible_at_once_and_other_responses_stay_cached(client, room):
    edited, other = room.articles[0], room.articles[5]
    urls = [detail(edited), LIST, detail(other), "/api/v1/tags/countries/"]
    for url in urls:
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit", url
    edited.headline = "Corridor talks end in agreement"
    edited.save()
    assert get_json(client, detail(edited))["headline"] == "Corridor talks end in agreement"
    assert get_json(client, LIST)["items"][0]["headline"] == "Corridor talks end in agreement"
    assert client.get(detail(other))["X-Page-Cache"] == "hit"


def test_a_withdrawal_leaves_every_list_at_once(client, room):
    gone = room.articles[0]
    for url in (LIST, "/api/v1/tags/countries/", "/api/v1/search/?q=corridor"):
        client.get(url)
    gone.status = Article.Status.WITHDRAWN
    gone.save()
    assert gone.headline not in headlines(get_json(client, LIST)["items"])
    assert client.get(detail(gone)).status_code == 404
    counts = {t["code"]: t["article_count"]
              for t in get_json(client, "/api/v1/tags/countries/")["items"]}
    assert counts["IN"] == 24


def test_ninjs_and_json_are_cached_apart_and_vary_on_accept(client, room):
    url = detail(room.articles[0])
    plain = client.get(url)
    wired = client.get(url, headers={"Accept": "application/ninjs+json"})
    assert plain["Content-Type"] == "application/json; charset=utf-8"
    assert wired["Content-Type"] == "application/ninjs+json"
    assert "Accept" in plain["Vary"] and "Accept" in wired["Vary"]
    assert client.get(url, headers={"Accept": "application/ninjs+json"}).json()["uri"]
    assert "headline" in client.get(url).json()


# Queries.

LISTS = [LIST, f"{LIST}?country=in&policy=make-in-india&minister=sergey-lavrov",
         f"{LIST}?from=2000-01-01&to=2100-01-01", "/api/v1/tags/countries/",
         "/api/v1/tags/ministers/", "/api/v1/tags/policies/",
         "/api/v1/tags/countries/india/", "/api/v1/search/?q=corridor",
         "/api/v1/search/?q=Lavrov&country=india&from=2000-01-01", "/api/v1/corrections/"]


@pytest.mark.parametrize("url", LISTS)
def test_every_list_stays_within_six_queries_with_caches_empty(client, room, url):
    counts = []
    for more in (0, 20):
        for i in range(more):
            make_article(f"Later corridor story {i}", countries=["IN"],
                         policies=[room.make_in_india], ministers=[room.lavrov])
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 6, counts


def test_detail_stays_within_its_query_budget(client, room):
    """The article, its tags, its corrections, and the page cache's look at the schedule."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        client.get(detail(room.articles[0]))
    assert len(queries) <= 4, [q["sql"][:150] for q in queries.captured_queries]


# Bad input: a 4xx JSON error with the reason, never a 500.

@pytest.mark.parametrize("url, status", [
    (f"{LIST}?cursor=nonsense", 400),
    # A cursor for a list of another order (a fixed time: xdist's workers must collect
    # the same test ids).
    (f"{LIST}?cursor=" + Cursor("c", datetime(2026, 11, 1, tzinfo=UTC), 1).encode(), 400),
    (f"{LIST}?cursor=WyJwIiwiMjAyNC0wMS0wMVQwMDowMDowMCIsMV0", 400),  # no offset
    (f"{LIST}?cursor=WyJwIiwgIngiLCAxXQ", 400),
    (f"{LIST}?limit=0", 422), (f"{LIST}?limit=101", 422), (f"{LIST}?limit=ten", 422),
    (f"{LIST}?from=2024-13-45", 422), (f"{LIST}?to=yesterday", 422),
    (f"{LIST}?updated_since=0001-01-01T00:00:00%2B14:00", 422),
    (f"{LIST}?updated_since=soon", 422),
    (f"{LIST}?country=atlantis", 400), (f"{LIST}?country=%00in", 422),
    (f"{LIST}?minister=a%01b", 422), (f"{LIST}?status=secret", 422),
    ("/api/v1/articles/0/", 422), ("/api/v1/articles/99999999999999999999999/", 422),
    ("/api/v1/articles/12345/", 404),
    ("/api/v1/tags/planets/", 422), ("/api/v1/tags/countries/%00/", 404),
    ("/api/v1/tags/countries/atlantis/", 404),
    ("/api/v1/search/?q=a%00b", 422), ("/api/v1/search/?page=0", 422),
    ("/api/v1/search/?page=99999", 422), ("/api/v1/corrections/?cursor=%%%", 400),
    ("/api/v1/articles/1/?format=xml", 422),
])
def test_bad_input_is_a_4xx_with_a_reason(client, room, url, status):
    response = client.get(url)
    assert response.status_code == status, response.content[:300]
    assert response.json()["detail"]


def test_far_dates_are_held_to_the_representable_years(client, room):
    assert get_json(client, f"{LIST}?from=0001-01-01&to=9999-12-31")["items"]


# The OpenAPI document and the docs page.

def test_the_openapi_document_describes_every_operation(client):
    document = get_json(client, "/api/v1/openapi.json")
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {
        "/api/v1/articles/", "/api/v1/articles/{article_id}/", "/api/v1/tags/{taxonomy}/",
        "/api/v1/tags/{taxonomy}/{slug}/", "/api/v1/search/", "/api/v1/corrections/",
        "/api/v1/ingest/"}


def test_the_push_is_documented_with_both_bodies_its_key_and_every_answer(client):
    push = get_json(client, "/api/v1/openapi.json")["paths"]["/api/v1/ingest/"]["post"]
    assert set(push["requestBody"]["content"]) == {"application/json", "application/xml"}
    assert set(push["responses"]) == {"200", "201", "401", "403", "409", "413", "422", "429"}
    assert "Retry-After" in push["responses"]["429"]["headers"]
    assert push["security"] == [{"AgencyKey": []}]


def test_the_docs_page_lists_the_operations_with_no_outside_script(client):
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "GET /api/v1/articles/" in page
    assert "POST /api/v1/ingest/" in page and "application/xml" in page
    assert "<script" not in page
    assert "cdn" not in page.lower()


def test_credentials_outside_the_api_leave_the_page_cache_alone(client, room):
    """A staging site behind HTTP basic auth sends Authorization with every page."""
    client.get("/", headers={"Authorization": "Basic c3RhZ2U6c3RhZ2U="})
    assert client.get("/", headers={"Authorization": "Basic c3RhZ2U6c3RhZ2U="})[
        "X-Page-Cache"] == "hit"


def test_a_new_correction_and_a_new_story_show_at_once(client, room):
    for url in ("/api/v1/corrections/", LIST, "/api/v1/tags/countries/china/"):
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit", url
    Correction.objects.create(article=room.articles[4], note="The date was wrong.")
    make_article("China joins the corridor talks", countries=["CN"],
                 published_at=timezone.now() - timedelta(minutes=1))
    notes = [c["note"] for c in get_json(client, "/api/v1/corrections/")["items"]]
    assert notes == ["The date was wrong."]
    assert get_json(client, LIST)["items"][0]["headline"] == "China joins the corridor talks"
    assert get_json(client, "/api/v1/tags/countries/china/")["article_count"] == 10


def test_remembered_list_pages_follow_writes_with_the_page_cache_off(client, room, settings):
    """Uncached lists remember their rows (as listings do) until what they show changes."""
    settings.NEWSROOM_PAGE_CACHE = False
    story = room.articles[0]
    assert get_json(client, LIST)["items"][0]["headline"] == story.headline
    story.headline = "Corridor talks end in agreement"
    story.save()
    assert get_json(client, LIST)["items"][0]["headline"] == "Corridor talks end in agreement"
    make_article("A newer story", published_at=timezone.now() - timedelta(minutes=1))
    assert get_json(client, LIST)["items"][0]["headline"] == "A newer story"
    with CaptureQueriesContext(connection) as queries:
        get_json(client, LIST)
    assert len(queries) <= 1


def test_the_author_filter_and_bylines(client, room):
    story = make_article("Meera files from Tashkent", authors=("Meera Iyer", "Arun Kumar"))
    items = get_json(client, f"{LIST}?author=meera-iyer")["items"]
    # The byline's order, as the article page reads it.
    assert [(i["headline"], i["authors"]) for i in items] == [
        (story.headline, ["Meera Iyer", "Arun Kumar"])]
    assert get_json(client, f"{LIST}?author=nobody", 400)["detail"]
    assert get_json(client, detail(story))["authors"] == ["Meera Iyer", "Arun Kumar"]
    wire = make_article("Agency copy", authors=(), source="Reuters")
    assert get_json(client, detail(wire))["source"] == "Reuters"
    assert get_json(client, detail(wire))["authors"] == []
