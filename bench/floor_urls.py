"""Floor views for the benchmark (bench-only; never part of the product's URLs)."""

from functools import cache

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import path

from articles.platform import csp

ITEMS = 20


def context_for(size):
    """Twenty cards whose rendered page is `size` bytes (the standfirst pads it out)."""
    def cards(pad):
        return [
            {
                "headline": f"Delegations agree the next round of talks, item {i}",
                "url": f"/2026/01/{i % 28 + 1:02d}/delegations-agree-{i}/",
                "published_at": "1 January 2026, 09:00",
                "standfirst": "Officials met to discuss trade. " + "x" * pad,
                "tags": [{"name": "India", "url": "/countries/india/"},
                         {"name": "Russia", "url": "/countries/russia/"}],
            }
            for i in range(ITEMS)
        ]
    base = len(render_to_string("bench/floor.html", {"cards": cards(0)}).encode())
    pad = max(0, (size - base) // ITEMS)
    context = {"cards": cards(pad)}
    rendered = render_to_string("bench/floor.html", context).encode()
    context["tail"] = "y" * max(0, size - len(rendered))
    return context


@cache
def cached_context(size):
    return context_for(size)


@cache
def prerendered(size):
    return render_to_string("bench/floor.html", cached_context(size)).encode()


def bytes_floor(request, size):
    return HttpResponse(prerendered(size), content_type="text/html; charset=utf-8")


def template_floor(request, size):
    return HttpResponse(
        render_to_string("bench/floor.html", cached_context(size), request=request),
        content_type="text/html; charset=utf-8",
    )


urlpatterns = [
    path("floor/bytes/<int:size>/", bytes_floor),
    path("floor/template/<int:size>/", template_floor),
    # Every response's Content-Security-Policy names its report address.
    path("csp-report/", csp.report, name="csp-report"),
]
