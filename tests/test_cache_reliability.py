"""The page cache under writes nobody sees, bad cookies, a failing database and a cache
that does not take an invalidation."""

import io
import logging

import pytest
import time_machine
from django.db import OperationalError, connection, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from articles.caching import invalidation, pages, state
from articles.editorial import services
from articles.models import Article, Correction, PendingInvalidation
from tests.admin_forms import article_post_data
from tests.factories import country, make_article, make_minister
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db


def database_down(execute, sql, params, many, context):
    raise OperationalError("the database system is shutting down")


@pytest.fixture
def cached_front_page(client):
    """The home page and one article page, each rendered once and cached."""
    article = make_article("Cached story", countries=["IN"])
    for url in ("/", article.get_absolute_url()):
        assert client.get(url)["X-Page-Cache"] == "miss"
        assert client.get(url)["X-Page-Cache"] == "hit"
    return article


def test_drafts_their_tags_and_corrections_invalidate_nothing_public(
    client, cached_front_page, reporter
):
    """A reporter saving drafts all day costs the public site nothing."""
    lavrov = make_minister("Sergey Lavrov")  # new to the vocabulary: searches name him
    sequence = state.write_sequence()
    draft = make_article("Secret draft", status=Article.Status.DRAFT, created_by=reporter)
    draft.headline = "Secret draft, second go"
    draft.save()
    draft.countries.add(country("RU"))
    draft.ministers.add(lavrov)
    draft.countries.remove(country("RU"))
    Correction.objects.create(article=draft, note="Not public yet.")
    draft.status = Article.Status.REVIEW
    draft.save()
    draft.delete()
    assert state.write_sequence() == sequence
    for url in ("/", cached_front_page.get_absolute_url()):
        assert client.get(url)["X-Page-Cache"] == "hit"


def test_a_draft_saved_through_the_admin_keeps_pages_cached(
    client, cached_front_page, reporter_client, reporter
):
    draft = make_article("Draft in the admin", status=Article.Status.DRAFT,
                         created_by=reporter)
    url = reverse("admin:articles_article_change", args=[draft.pk])
    assert reporter_client.post(url, article_post_data(draft, standfirst="v2")).status_code \
        == 302
    assert client.get("/")["X-Page-Cache"] == "hit"


def test_changes_readers_can_see_still_invalidate(client, cached_front_page, editor):
    """Publishing, editing a live story, scheduling and withdrawing all renew pages."""
    article = make_article("To publish", status=Article.Status.REVIEW)
    sequence = state.write_sequence()
    services.article_publish(article=article, by=editor)
    assert state.write_sequence() != sequence
    assert b"To publish" in client.get("/").content
    sequence = state.write_sequence()
    Correction.objects.create(article=article, note="A name was misspelt.")
    assert state.write_sequence() != sequence
    sequence = state.write_sequence()
    services.article_withdraw(article=Article.objects.get(pk=article.pk), by=editor)
    assert state.write_sequence() != sequence
    assert b"To publish" not in client.get("/").content


def test_a_made_up_session_cookie_is_served_from_the_cache(client, cached_front_page):
    """Any cookie that does not prove a staff login is a reader's: no full render."""
    client.cookies["sessionid"] = "x"
    client.cookies["messages"] = "junk"
    client.cookies[pages.STAFF_COOKIE] = "1:forged"
    response = client.get("/")
    assert response["X-Page-Cache"] == "hit"
    assert "public" in response["Cache-Control"]


def test_logging_out_takes_the_staff_cookie_away(client, editor):
    sign_in(client, editor)
    client.get(reverse("admin:index"))
    assert client.cookies[pages.STAFF_COOKIE].value
    client.post(reverse("admin:logout"))
    assert client.cookies[pages.STAFF_COOKIE].value == ""


def test_the_last_good_copy_is_served_while_the_database_is_down(
    client, cached_front_page
):
    state.bump_content_generation()  # the copy is no longer current, only last good
    state.page_memory.clear()
    with connection.execute_wrapper(database_down):
        response = client.get(cached_front_page.get_absolute_url())
        never_rendered = client.get("/countries/")
    assert response.status_code == 200
    assert response["X-Page-Cache"] == "stale"
    assert b"Cached story" in response.content
    assert never_rendered.status_code == 503
    assert never_rendered["Retry-After"]
    assert b"Back in a moment" in never_rendered.content


def test_a_withdrawn_storys_last_good_copy_is_never_served(client, cached_front_page, editor):
    """A withdrawal is a hard purge: not even a database outage brings the story back."""
    url = cached_front_page.get_absolute_url()
    services.article_withdraw(article=cached_front_page, by=editor)
    state.page_memory.clear()
    with connection.execute_wrapper(database_down):
        response = client.get(url)
    assert response.status_code == 503
    assert b"Cached story" not in response.content


def test_404_and_410_get_a_short_shared_lifetime(client, cached_front_page, editor):
    missing = client.get("/2026/01/01/no-such-story/")
    assert missing.status_code == 404
    assert "s-maxage=10" in missing["Cache-Control"]
    assert "stale-while-revalidate" not in missing["Cache-Control"]
    services.article_withdraw(article=cached_front_page, by=editor)
    gone = client.get(cached_front_page.get_absolute_url())
    assert gone.status_code == 410
    assert "s-maxage=10" in gone["Cache-Control"]


def commit():
    """Run what waits for the test's transaction to commit, as a real commit would."""
    for _sids, callback, _robust in connection.run_on_commit:
        callback()
    connection.run_on_commit.clear()


def cache_refuses_writes(monkeypatch):
    monkeypatch.setattr(state, "bump", lambda keys, **kwargs: False)
    monkeypatch.setattr(invalidation, "RETRY_PAUSES", (0, 0))


def test_an_invalidation_the_cache_refuses_is_kept_and_pages_are_not_served_stale(
    client, cached_front_page, editor, monkeypatch
):
    """Redis stalls during a withdrawal: the withdrawal must not stay invisible."""
    monkeypatch.setattr(invalidation, "_unapplied", [])
    monkeypatch.setattr(invalidation, "_retry", lambda: None)  # the test retries by hand
    stored = state.shared.get(state.STATE_KEY)
    with monkeypatch.context() as patch:
        cache_refuses_writes(patch)
        patch.setattr(state, "bump", lambda keys, **kwargs: False)
        services.article_withdraw(article=cached_front_page, by=editor)
        commit()
    state.cache.set(state.STATE_KEY, stored)  # Redis kept the old generation
    assert invalidation.has_unapplied()
    assert PendingInvalidation.objects.count() == 1
    response = client.get(cached_front_page.get_absolute_url())
    assert response.status_code == 410
    home = client.get("/")
    assert b"Cached story" not in home.content
    assert home["X-Page-Cache"] == "degraded"

    assert invalidation._apply(*invalidation._unapplied[0][:2])
    assert invalidation.apply_pending() == 0
    assert PendingInvalidation.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_editor_is_told_when_a_save_could_not_refresh_the_cache(
    editor_client, monkeypatch
):
    monkeypatch.setattr(invalidation, "_unapplied", [])
    monkeypatch.setattr(invalidation, "_retry", lambda: None)
    article = make_article("Live story", countries=["IN"])
    url = reverse("admin:articles_article_change", args=[article.pk])
    cache_refuses_writes(monkeypatch)
    monkeypatch.setattr(state, "bump", lambda keys, **kwargs: False)
    response = editor_client.post(
        url, article_post_data(article, headline="Live story, corrected", workflow="update"),
    )
    assert response.status_code == 302
    page = editor_client.get(response["Location"]).content.decode()
    assert "cache did not answer" in page


def test_pending_invalidations_from_a_process_that_died_are_applied_by_readyz(client):
    PendingInvalidation.objects.create(keys=["article:1"], paths=["/2026/01/01/gone/"])
    sequence = state.write_sequence()
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["pending_invalidations"] == 0
    assert state.write_sequence() != sequence


def test_health_endpoints(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert set(ready.json()["checks"].values()) == {"ok"}
    assert "no-store" in ready["Cache-Control"] or "max-age=0" in ready["Cache-Control"]
    with connection.execute_wrapper(database_down):
        down = client.get("/readyz")
    assert down.status_code == 503
    assert down.json()["checks"]["database:default"] == "failing"
    assert client.get("/healthz").status_code == 200


def test_a_redis_outage_is_logged_once_a_minute_not_per_request(client, monkeypatch):
    """Not a traceback per request: one line that says what is wrong."""
    make_article("Still here")
    handler = next(h for h in logging.getLogger("newsroom.cache.redis").handlers
                   if any(isinstance(f, state.OncePerMinute) for f in h.filters))
    # A new minute for this process: an earlier test's outage in the same minute (in
    # whatever order the tests ran) would have used up its line.
    for once in (f for f in handler.filters if isinstance(f, state.OncePerMinute)):
        monkeypatch.setattr(once, "last", {})
    stream = io.StringIO()
    previous = handler.setStream(stream)
    redis_down = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.25,
                        "IGNORE_EXCEPTIONS": True},
        }
    }
    try:
        with override_settings(CACHES=redis_down, DJANGO_REDIS_IGNORE_EXCEPTIONS=True,
                               DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS=True):
            for _ in range(20):
                assert client.get("/").status_code == 200
    finally:
        handler.setStream(previous)
    lines = stream.getvalue().splitlines()
    assert 1 <= len(lines) <= 3, lines
    assert "Traceback" not in stream.getvalue()
    assert any("Redis is not answering" in line for line in lines)


def test_an_invalidation_kept_by_another_process_stops_every_process_serving_cache(
    client, cached_front_page, monkeypatch
):
    """Redis refusing writes (paused, full, a read-only replica): the process that kept
    the invalidation is not the only one that must stop serving old copies."""
    monkeypatch.setattr(invalidation, "PENDING_CHECK_SECONDS", 0)
    monkeypatch.setattr(state, "bump", lambda keys, **kwargs: False)
    PendingInvalidation.objects.create(keys=["article:9"], paths=[])  # another process's
    response = client.get(cached_front_page.get_absolute_url())
    assert response["X-Page-Cache"] == "degraded"
    monkeypatch.undo()
    monkeypatch.setattr(invalidation, "PENDING_CHECK_SECONDS", 0)
    client.get("/")  # Redis takes it: the kept invalidation is applied and forgotten
    assert PendingInvalidation.objects.count() == 0
    assert client.get("/")["X-Page-Cache"] in ("miss", "hit")


def test_a_proxy_that_does_not_answer_never_invalidates_again(
    client, cached_front_page, editor, monkeypatch, settings
):
    """One unreachable nginx must not flush the whole site's cache over and over."""
    from articles.caching import edges

    settings.NEWSROOM_PROXY_REFRESH_URLS = ["http://127.0.0.1:9"]  # nothing listens
    retried = []
    monkeypatch.setattr(edges, "_retry_later", retried.append)
    bumps = []
    real_bump = state.bump
    monkeypatch.setattr(state, "bump",
                        lambda keys, **kwargs: bumps.append(kwargs) or real_bump(keys, **kwargs))
    services.article_withdraw(article=cached_front_page, by=editor)
    commit()
    assert len([b for b in bumps if not b.get("guarded")]) == 1  # once, after the commit
    assert retried and next(iter(retried[0]))[0] == "http://127.0.0.1:9"
    assert not invalidation.has_unapplied()
    assert PendingInvalidation.objects.count() == 0
    assert client.get("/")["X-Page-Cache"] == "miss"
    assert client.get("/")["X-Page-Cache"] == "hit"


def test_no_last_good_copy_of_any_page_from_before_a_withdrawal_is_served(
    client, cached_front_page, editor
):
    """The home page's copy shows the withdrawn story too: during a database outage it
    must not come back through a listing."""
    caching_urls = ["/", "/feeds/latest/", "/countries/india/"]
    for url in caching_urls:
        client.get(url)
    services.article_withdraw(article=cached_front_page, by=editor)
    state.page_memory.clear()
    with connection.execute_wrapper(database_down):
        for url in caching_urls:
            response = client.get(url)
            assert response.status_code == 503, url
            assert b"Cached story" not in response.content


def test_a_copy_whose_render_began_before_a_withdrawal_is_not_a_last_good_copy(
    client, cached_front_page, monkeypatch
):
    """A render that read the story, overtaken by its withdrawal, finishes seconds later:
    its copy carries the time it began, which is before the takedown."""
    from articles.public import views

    url = cached_front_page.get_absolute_url()
    real_render = views.render_article
    with time_machine.travel(timezone.now(), tick=False) as clock:  # the story exists now
        def overtaken_by_a_withdrawal(request, article, **kwargs):
            response = real_render(request, article, **kwargs)
            clock.shift(1)
            state.bump_content_generation()  # the withdrawal lands while this page renders
            state.mark_takedown()
            clock.shift(2)
            return response

        monkeypatch.setattr(views, "render_article", overtaken_by_a_withdrawal)
        state.bump_content_generation()
        state.page_memory.clear()
        assert client.get(url)["X-Page-Cache"] == "miss"  # stored as the page's copy
        monkeypatch.setattr(views, "render_article", real_render)
        state.page_memory.clear()
        with connection.execute_wrapper(database_down):
            assert client.get(url).status_code == 503


def test_made_up_query_parameters_share_the_pages_cached_copy(client, cached_front_page):
    """?utm_source=… and the like never render, store or bypass anything."""
    url = cached_front_page.get_absolute_url()
    for junk in ("?utm_source=feed", "?x=1&y=2", "?fbclid=abc"):
        assert client.get(url + junk)["X-Page-Cache"] == "hit"
        assert client.get("/" + junk)["X-Page-Cache"] == "hit"


def test_search_links_repeat_only_the_searchs_own_parameters(client):
    make_article("Trade talks in Delhi", standfirst="Trade.")
    page = client.get("/search/?q=trade&utm_source=mail&country=").content.decode()
    assert "utm_source" not in page


def test_a_preview_shows_a_drafts_latest_tags_and_corrections(editor_client, reporter):
    """A draft's changes renew nothing, so its preview reads them afresh."""
    draft = make_article("Draft with tags", status=Article.Status.DRAFT, created_by=reporter,
                         countries=["IN"])
    url = reverse("articles:article-preview", args=[draft.pk])
    assert "India" in editor_client.get(url).content.decode()
    draft.countries.add(country("RU"))
    Correction.objects.create(article=draft, note="An earlier version misnamed the minister.")
    page = editor_client.get(url).content.decode()
    assert "Russia" in page and "misnamed" in page


def test_a_bulk_withdrawal_while_redis_stalls_asks_it_once(editor, monkeypatch, settings):
    """Inside the transaction each write tries the cache through the guard: a stalled
    Redis costs one timeout, not one per article."""
    articles = [make_article(f"Story {n}") for n in range(6)]
    calls = []

    def stall(method):
        def stalled(*args, **kwargs):
            calls.append(args)
            clock[0] += 1.0  # each call takes a second
            return {} if method.endswith("_many") else None
        return stalled

    clock = [1000.0]
    settings.NEWSROOM_CACHE_SLOW_SECONDS = 0.2
    monkeypatch.setattr(state.time, "monotonic", lambda: clock[0])
    for method in ("get", "set", "get_many", "set_many", "incr", "add"):
        monkeypatch.setattr(state.cache, method, stall(method))
    monkeypatch.setattr(state.shared, "down_until", 0.0)
    with transaction.atomic():
        for article in articles:
            services.article_withdraw(article=article, by=editor)
    assert len(calls) <= 2
