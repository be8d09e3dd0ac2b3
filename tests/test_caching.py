"""The anonymous page cache: served from cache, and never stale after any change."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import transaction
from django.test import override_settings
from django.utils.http import http_date

from articles.caching import dependencies, pages, state
from articles.models import Article, Correction
from tests.factories import country, make_article, make_minister
from tests.signing_in import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.pagecache_urls")]


def get(client, path="/", **headers):
    return client.get(path, headers=headers)


def test_second_anonymous_request_is_served_from_cache_without_queries(
    client, django_assert_num_queries
):
    """A repeat visit costs no SQL at all."""
    make_article("Trade talks resume")
    first = get(client)
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = get(client)
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert b"Trade talks resume" in second.content


def test_anonymous_pages_carry_validators_and_shared_cache_control(client):
    """ETag, Last-Modified and a Cache-Control that lets a proxy keep the page briefly."""
    make_article()
    for response in (get(client), get(client)):
        assert response["ETag"].startswith('"')
        assert response["Last-Modified"]
        cache_control = response["Cache-Control"]
        assert "public" in cache_control
        assert "s-maxage=" in cache_control
        assert "stale-while-revalidate=" in cache_control
        # A reader's cookies never change a public page: one copy for every reader.
        assert "Cookie" not in response.get("Vary", "")


def test_matching_etag_or_date_answers_304_from_cache_and_when_rendering(client):
    """Conditional requests are answered with 304, whether the page is cached or not."""
    make_article()
    first = get(client)
    etag = first["ETag"]
    cached = get(client, If_None_Match=etag)
    assert cached.status_code == 304
    assert cached["X-Page-Cache"] == "hit"
    assert get(client, If_Modified_Since=first["Last-Modified"]).status_code == 304
    state.bump_content_generation()
    rendered = get(client, If_None_Match=etag)
    assert rendered.status_code == 304
    assert rendered["X-Page-Cache"] == "miss"
    assert get(client, If_None_Match='"something-else"').status_code == 200


def test_stale_validators_get_the_full_page(client):
    article = make_article("First headline")
    etag = get(client)["ETag"]
    article.headline = "Second headline"
    article.save()
    response = get(client, If_None_Match=etag)
    assert response.status_code == 200
    assert b"Second headline" in response.content


def test_publishing_shows_at_once(client):
    article = make_article("Quiet draft", status=Article.Status.DRAFT)
    assert b"Quiet draft" not in get(client).content
    article.status = Article.Status.PUBLISHED
    article.published_at = datetime.now(UTC) - timedelta(minutes=1)
    article.save()
    assert b"Quiet draft" in get(client).content


def test_editing_shows_at_once_on_list_and_article(client):
    article = make_article("Old headline", slug="old")
    get(client), get(client, "/a/old/")
    article.headline = "New headline"
    article.save()
    assert b"New headline" in get(client).content
    assert b"New headline" in get(client, "/a/old/").content


def test_correction_shows_at_once(client):
    article = make_article(slug="fixed")
    assert get(client, "/a/fixed/").status_code == 200
    Correction.objects.create(article=article, note="The minister's name was misspelt.")
    assert b"misspelt" in get(client, "/a/fixed/").content


def test_withdrawing_removes_at_once(client):
    article = make_article("Pulled story", slug="pulled")
    assert get(client, "/a/pulled/").status_code == 200
    assert b"Pulled story" in get(client).content
    article.status = Article.Status.WITHDRAWN
    article.save()
    assert get(client, "/a/pulled/").status_code == 404
    assert b"Pulled story" not in get(client).content


def test_tagging_and_untagging_show_at_once(client):
    article = make_article("Tagged story")
    get(client)
    article.countries.add(country("IN"))
    assert b"[India]" in get(client).content
    article.countries.remove(country("IN"))
    assert b"[India]" not in get(client).content


def test_vocabulary_rename_shows_at_once(client):
    minister = make_minister("Sergei Lavrov")
    make_article("Lavrov visits", ministers=[minister])
    assert b"Sergei Lavrov" in get(client).content
    minister.name = "Sergey Lavrov"
    minister.save()
    assert b"Sergey Lavrov" in get(client).content


def test_tag_merge_shows_at_once(client):
    """Merging two spellings moves the articles; both minister pages change at once."""
    keep = make_minister("Sergey Lavrov")
    old = make_minister("Sergei Lavrov")
    make_article("Moscow talks", ministers=[old])
    assert b"Moscow talks" not in get(client, f"/m/{keep.slug}/").content
    assert b"Moscow talks" in get(client, f"/m/{old.slug}/").content
    services = pytest.importorskip("articles.editorial.services")
    services.tag_merge(keep=keep, merged=[old])
    assert b"Moscow talks" in get(client, f"/m/{keep.slug}/").content


def test_explicit_bump_invalidates_bulk_updates(client):
    make_article("Before the update")
    get(client)
    Article.objects.update(headline="After the update")
    assert b"Before the update" in get(client).content  # no signal: still cached
    state.bump_content_generation()
    assert b"After the update" in get(client).content


def test_scheduled_article_appears_at_its_time_with_nothing_saved(client):
    start = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as traveller:
        make_article("Old news", published_at=start - timedelta(days=1))
        make_article("Nine o'clock story", published_at=start + timedelta(hours=1))
        first = get(client)
        assert b"Old news" in first.content
        assert b"Nine o'clock story" not in first.content
        assert get(client)["X-Page-Cache"] == "hit"
        traveller.move_to(start + timedelta(minutes=4))
        assert get(client)["X-Page-Cache"] == "hit"
        traveller.move_to(start + timedelta(hours=1, seconds=1))
        later = get(client)
        assert later["X-Page-Cache"] == "miss"
        assert b"Nine o'clock story" in later.content


def test_logged_in_staff_bypass_the_cache(client, editor):
    make_article("Fresh for editors")
    get(client)
    sign_in(client, editor)
    client.get("/admin/")  # the staff cookie comes with the first admin page
    assert client.cookies[pages.STAFF_COOKIE].value
    response = get(client)
    assert "X-Page-Cache" not in response
    assert "private" in response["Cache-Control"]
    assert "no-cache" in response["Cache-Control"]
    Article.objects.update(headline="Changed without a signal")
    assert b"Changed without a signal" in get(client).content


def test_errors_cookies_and_private_responses_are_not_cached(client):
    assert get(client, "/a/missing/").status_code == 404
    assert "X-Page-Cache" not in get(client, "/a/missing/")
    get(client, "/cookie/")
    assert "X-Page-Cache" not in get(client, "/cookie/")
    assert "X-Page-Cache" not in get(client, "/private/")


def test_a_page_with_a_csrf_token_is_never_shared(client):
    """It carries the visitor's own token, even for one who already has the cookie."""
    client.cookies["csrftoken"] = "a" * 32
    get(client, "/form/")
    assert "X-Page-Cache" not in get(client, "/form/")


def test_post_is_never_served_from_cache(client):
    make_article()
    get(client)
    response = client.post("/")
    assert "X-Page-Cache" not in response


@override_settings(NEWSROOM_PAGE_CACHE=False)
def test_page_cache_can_be_switched_off_for_measurement(client):
    make_article()
    get(client)
    response = get(client)
    assert "X-Page-Cache" not in response
    assert response["ETag"]


def test_bump_inside_transaction_bumps_again_after_commit_once(
    django_capture_on_commit_callbacks,
):
    """A page rendered from pre-commit data by another server cannot outlive the commit."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            make_article("In a transaction", countries=["IN", "RU"])
            during = state.write_sequence()
    assert len(callbacks) == 1
    assert callbacks[0].keys >= {"country:" + str(country("IN").pk)}
    assert state.write_sequence() != during


def test_lost_cache_state_never_revives_old_pages(client):
    """If Redis forgets the generation, a new random one cannot match stored pages."""
    article = make_article("Original")
    get(client)
    Article.objects.filter(pk=article.pk).update(headline="Rewritten")
    state.cache.delete(state.STATE_KEY)
    assert b"Rewritten" in get(client).content


REDIS_DOWN = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        # Port 9 (discard) on localhost: nothing listens, connections are refused.
        "LOCATION": "redis://127.0.0.1:9/0",
        "OPTIONS": {
            "SOCKET_CONNECT_TIMEOUT": 0.25,
            "SOCKET_TIMEOUT": 0.25,
            "IGNORE_EXCEPTIONS": True,
        },
    }
}


def test_pages_are_served_uncached_when_redis_is_down(client):
    make_article("Still here")
    with override_settings(CACHES=REDIS_DOWN, DJANGO_REDIS_IGNORE_EXCEPTIONS=True):
        for _ in range(2):
            response = get(client)
            assert response.status_code == 200
            assert b"Still here" in response.content
            assert response["X-Page-Cache"] == "miss"
        state.bump_content_generation()


def test_last_modified_is_the_render_time(client):
    moment = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        make_article()
        assert get(client)["Last-Modified"] == http_date(moment.timestamp())


def test_remembered_values_last_until_what_they_show_changes():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    home, elsewhere = {dependencies.PUBLISHED}, {dependencies.tag("country", 999_999)}
    assert state.remember("answer", compute, "x", depends_on=home) == 1
    assert state.remember("answer", compute, "x", depends_on=home) == 1
    assert state.remember("answer", compute, "y", depends_on=elsewhere) == 2
    make_article()  # a publication changes what is published, not that country's listing
    assert state.remember("answer", compute, "x", depends_on=home) == 3
    assert state.remember("answer", compute, "y", depends_on=elsewhere) == 2


def test_remember_computes_every_time_when_redis_is_down():
    with override_settings(CACHES=REDIS_DOWN, DJANGO_REDIS_IGNORE_EXCEPTIONS=True):
        values = [state.remember("n", lambda: object(), depends_on=()) for _ in range(2)]
    assert values[0] is not values[1]


def test_cards_are_rendered_once_per_generation_and_never_stale():
    from articles.public.selectors import cards
    from articles.templatetags.card_cache import cards_html

    article = make_article("Cached card")
    first = cards_html(cards([article]))
    assert "Cached card" in first
    Article.objects.filter(pk=article.pk).update(headline="Renamed quietly")
    assert cards_html(cards(Article.objects.filter(pk=article.pk))) == first
    state.bump_content_generation()
    assert "Renamed quietly" in cards_html(cards(Article.objects.filter(pk=article.pk)))


def test_search_cards_with_snippets_are_always_rendered():
    from articles.public.selectors import cards
    from articles.templatetags.card_cache import cards_html

    article = make_article("Snippet card")
    [card] = cards([article])
    card.snippet = "first snippet"
    assert "first snippet" in cards_html([card])
    card.snippet = "second snippet"
    assert "second snippet" in cards_html([card])


def test_publishing_and_withdrawing_through_the_services_show_at_once(client, editor):
    from articles.editorial.services import article_publish, article_withdraw

    article = make_article("Desk story", slug="desk", status=Article.Status.REVIEW)
    assert b"Desk story" not in get(client).content
    article_publish(article=article, by=editor)
    assert b"Desk story" in get(client).content
    assert get(client, "/a/desk/").status_code == 200
    article_withdraw(article=article, by=editor)
    assert b"Desk story" not in get(client).content
    assert get(client, "/a/desk/").status_code == 404


def test_a_slow_cache_is_left_alone_for_a_while(client, monkeypatch, settings):
    """A Redis that does not answer costs a couple of timeouts, not one per cache call."""
    make_article("Served while Redis hangs")
    calls = []

    def hanging(keys, default=None):
        calls.append(keys)
        clock[0] += 1.0  # the call took a second
        return {} if isinstance(keys, list) else default

    clock = [1000.0]
    settings.NEWSROOM_CACHE_SLOW_SECONDS = 0.2
    monkeypatch.setattr(state.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(state.cache, "get_many", hanging)
    monkeypatch.setattr(state.cache, "get", hanging)
    monkeypatch.setattr(state.shared, "down_until", 0.0)
    first = get(client)
    assert b"Served while Redis hangs" in first.content
    # The guarded calls that turn the cache off, and the page's read of the cache state,
    # which goes around the guard.
    assert len(calls) <= state.GuardedCache.SLOW_CALLS + 1
    asked = len(calls)
    second = get(client)
    assert b"Served while Redis hangs" in second.content
    assert len(calls) == asked, "the cache is skipped meanwhile"
    clock[0] += state.GuardedCache.BACKOFF_SECONDS
    get(client)
    assert len(calls) > asked, "and tried again after it"


def test_one_slow_answer_from_a_busy_cache_does_not_turn_it_off(client, monkeypatch,
                                                                 settings):
    """On a machine whose cores are all busy one call can wait its turn: the pages stay
    cached unless the cache is slow again at once."""
    make_article("Served from the cache")
    clock = [1000.0]
    real_get = state.cache.get
    slow = [True]

    def busy_get(*args, **kwargs):
        if slow.pop() if slow else False:
            clock[0] += 1.0  # this one call waited a second
        return real_get(*args, **kwargs)

    settings.NEWSROOM_CACHE_SLOW_SECONDS = 0.2
    monkeypatch.setattr(state.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(state.cache, "get", busy_get)
    get(client)
    assert get(client)["X-Page-Cache"] == "hit"


def test_a_value_kept_in_process_memory_is_dropped_when_another_server_bumps():
    """Another server's write changes versions in Redis only: this process must not
    answer from its own memory of a value the write made stale, and keeps the others."""
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    india, russia = dependencies.tag("country", 1), dependencies.tag("country", 2)
    assert state.remember("kept", compute, "in", depends_on={india}) == 1
    assert state.remember("kept", compute, "ru", depends_on={russia}) == 2
    assert state.remember("kept", compute, "in", depends_on={india}) == 1
    assert state.bump({india})  # the other server's write, seen only in Redis
    assert state.remember("kept", compute, "in", depends_on={india}) == 3
    assert state.remember("kept", compute, "ru", depends_on={russia}) == 2
    state.cache.set(state.STATE_KEY, ("from-another-server", 0.0), timeout=None)
    assert state.remember("kept", compute, "ru", depends_on={russia}) == 4


def entry(value, epoch="e1"):
    return state.Entry(epoch, 7, frozenset(), value)


EPOCH_1, EPOCH_2 = state.CacheState("e1", 7, 0.0), state.CacheState("e2", 7, 0.0)


def test_process_memory_is_bounded_and_honours_timeouts():
    memory = state.EntryMemory()
    memory.max_entries = 3
    for n in range(5):
        memory.set(EPOCH_1, f"k{n}", entry(n), timeout=60)
    assert [memory.get(EPOCH_1, f"k{n}").value for n in range(2, 5)] == [2, 3, 4]
    assert memory.get(EPOCH_1, "k0") is state.MISSING
    assert memory.get(EPOCH_2, "k4") is state.MISSING
    memory.set(EPOCH_1, "expired", entry("old"), timeout=-1)
    assert memory.get(EPOCH_1, "expired") is state.MISSING


def test_home_lead_story_card_is_never_stale(client):
    article = make_article("First lead headline")
    assert "First lead headline" in get(client, "/").content.decode()
    article.headline = "Corrected lead headline"
    article.save()
    page = get(client, "/").content.decode()
    assert "Corrected lead headline" in page and "First lead headline" not in page


def test_pages_kept_in_process_memory_are_bounded_in_bytes():
    memory = state.EntryMemory(max_entries=100, max_bytes=10)
    memory.set(EPOCH_1, "a", entry(b"12345"), timeout=60, size=5)
    memory.set(EPOCH_1, "b", entry(b"12345"), timeout=60, size=5)
    memory.set(EPOCH_1, "c", entry(b"1234"), timeout=60, size=4)
    assert memory.get(EPOCH_1, "a") is state.MISSING
    assert memory.get(EPOCH_1, "b").value == b"12345" and memory.bytes == 9
    memory.set(EPOCH_1, "huge", entry(b"x" * 11), timeout=60, size=11)
    assert memory.get(EPOCH_1, "huge") is state.MISSING and memory.bytes == 9


def test_a_page_kept_in_process_memory_is_not_served_after_another_servers_write(client):
    article = make_article("Before the other server's edit")
    assert get(client, "/").headers["X-Page-Cache"] == "miss"
    assert get(client, "/").headers["X-Page-Cache"] == "hit"
    Article.objects.filter(pk=article.pk).update(headline="After the other server's edit")
    # The other server's write reaches this one only through the versions in Redis.
    assert state.bump({dependencies.article(article.pk)})
    response = get(client, "/")
    assert response.headers["X-Page-Cache"] == "miss"
    assert "After the other server's edit" in response.content.decode()


def test_remembered_page_fragments_change_with_content(client, settings):
    """With the page cache off, the fragments kept per generation (an article's tags and
    related stories, the home page's most-covered tags, a tag page's aside) still show
    a change on the next request."""
    settings.NEWSROOM_PAGE_CACHE = False
    story = make_article("Fragment story", countries=["IN"])
    make_article("Fragment neighbour", countries=["IN"])
    page = client.get(story.get_absolute_url()).content.decode()
    assert "Russia" not in page and "Fragment neighbour" in page
    assert "Russia" not in client.get("/").content.decode()
    assert "Russia" not in client.get(country("IN").get_absolute_url()).content.decode()

    story.countries.add(country("RU"))
    page = client.get(story.get_absolute_url()).content.decode()
    assert 'russia/">Russia</a>' in page
    assert "Russia" in client.get("/").content.decode()
    assert "Russia" in client.get(country("IN").get_absolute_url()).content.decode()

    neighbour = Article.objects.get(headline="Fragment neighbour")
    neighbour.headline = "Fragment neighbour, renamed"
    neighbour.save()
    assert "Fragment neighbour, renamed" in client.get(story.get_absolute_url()).content.decode()


def test_remembered_keys_keep_their_parts_apart():
    assert state.remember("parts", lambda: "joined", "india:india", depends_on=()) == "joined"
    assert state.remember("parts", lambda: "apart", "india", "india", depends_on=()) == "apart"


def test_a_remembered_value_copied_to_another_worker_keeps_its_age_limit():
    """Copying a value from Redis into a worker's memory does not restart its timeout:
    the most-covered tags (a sliding window) are never older than their limit."""
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    with time_machine.travel("2026-05-01 10:00:00Z", tick=False) as clock:
        assert state.remember("sliding", compute, depends_on=(), timeout=600) == 1
        state.memory.clear()  # another worker, with only Redis's copy
        clock.shift(500)
        assert state.remember("sliding", compute, depends_on=(), timeout=600) == 1
        clock.shift(150)
        assert state.remember("sliding", compute, depends_on=(), timeout=600) == 2


def test_a_remembered_response_is_only_ever_a_200(rf):
    """An error or a redirect is answered, never kept: the next request renders again."""
    from django.http import HttpResponse, HttpResponseRedirect

    from articles.caching.responses import remembered_response

    answers = iter([HttpResponse(status=503), HttpResponseRedirect("/elsewhere/"),
                    HttpResponse(b"fresh"), HttpResponse(b"rendered again")])
    view = remembered_response("test")(lambda request: next(answers))
    request = rf.get("/remembered/")
    assert view(request).status_code == 503
    assert view(request).status_code == 302
    assert [view(request).content for _ in range(2)] == [b"fresh", b"fresh"]
