"""URLs reversed once and reused (articles.platform.links) are exactly what reverse() gives."""

import pytest
from django.urls import reverse, set_script_prefix

from articles.platform.links import cached_reverse


@pytest.mark.parametrize("slug", ["india", "sergey-lavrov", "нарендра-моди", "日本"])
def test_cached_reverse_matches_reverse_for_any_slug(slug):
    assert cached_reverse("articles:country-detail", slug=slug) == reverse(
        "articles:country-detail", kwargs={"slug": slug}
    )
    assert cached_reverse("articles:minister-feed", slug=slug) == reverse(
        "articles:minister-feed", kwargs={"slug": slug}
    )


def test_cached_reverse_with_two_slugs():
    assert cached_reverse("articles:bilateral", slug="china", other="india") == reverse(
        "articles:bilateral", kwargs={"slug": "china", "other": "india"}
    )


def test_cached_reverse_follows_the_script_prefix():
    try:
        set_script_prefix("/news/")
        assert cached_reverse("articles:home") == "/news/"
    finally:
        set_script_prefix("/")
    assert cached_reverse("articles:home") == "/"


@pytest.mark.parametrize(
    "year, month, day, slug",
    [
        ("2026", "11", "22", "talks-in-2022"),
        ("2033", "02", "11", "x"),
        ("1111", "22", "33", "1111"),
    ],
)
def test_cached_reverse_puts_date_parts_in_their_places(year, month, day, slug):
    kwargs = {"year": year, "month": month, "day": day, "slug": slug}
    assert cached_reverse("articles:article-detail", **kwargs) == reverse(
        "articles:article-detail", kwargs=kwargs
    )


def test_cached_reverse_follows_the_urlconf(settings):
    assert cached_reverse("articles:country-detail", slug="india") == "/countries/india/"
    settings.ROOT_URLCONF = "tests.pagecache_urls"
    assert cached_reverse("articles:country-detail", slug="india") == "/site/countries/india/"
