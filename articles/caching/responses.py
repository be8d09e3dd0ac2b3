"""Whole responses remembered until content changes, for views built on Django's own
pieces (feeds, sitemaps) that are costly to render and the same for every reader.

``remembered_response(name)`` wraps a view: a 200 response's body and headers are kept
with ``articles.caching.state.remember``, depending on the keys the view records as it
renders (``articles.caching.dependencies``), so the one invalidation entry point
(``articles.caching.invalidation.invalidate``) makes them stale when what they show
changes.
It works whether the page cache is on or off, and stores nothing a page cache would not
(an error, a redirect, a streamed or private response, one that sets a cookie).

The key is the scheme, host and path (these responses write absolute URLs) and what the
view's ``key`` function takes from the request, never the raw query string: a made-up
``?utm_source=…`` shares the entry instead of adding one.
"""

from functools import wraps
from typing import NamedTuple

from django.http import HttpResponse

from articles.caching.pages import UNSTORED_HEADERS, PageCacheMiddleware
from articles.caching.state import remember


class StoredResponse(NamedTuple):
    """What is kept of a response: its body and the headers the view set."""

    content: bytes
    headers: tuple

    def response(self):
        return HttpResponse(self.content, headers=self.headers)


def no_query(request):
    """For a view that reads nothing from the query string."""
    return ()


def remembered_response(name, *, key=no_query, timeout=3600, moves_with_clock=False):
    """Remember the view's 200 responses whole, per address and ``key(request)``.

    ``key`` returns a tuple of what the response depends on in the query string, in a
    normal form (the page number a ``?p=`` asks for, not its spelling), or None for a
    request whose response is not to be remembered. ``timeout`` (seconds, or a function
    giving them) bounds an entry's age; with ``moves_with_clock`` (a response that
    changes with the clock alone), the cached page's too.
    """
    def decorator(view):
        @wraps(view)
        def remembered(request, *args, **kwargs):
            parts = key(request)
            if request.method not in ("GET", "HEAD") or parts is None:
                return view(request, *args, **kwargs)

            def render():
                response = view(request, *args, **kwargs)
                if hasattr(response, "render"):  # a TemplateResponse (Django's sitemaps)
                    response.render()
                if not PageCacheMiddleware.is_storable(request, response):
                    return response
                return StoredResponse(response.content, tuple(
                    (header, value) for header, value in response.items()
                    if header.lower() not in UNSTORED_HEADERS
                ))

            address = f"{request.scheme}://{request.get_host()}{request.path}"
            result = remember(
                "response", render, name, address, *parts, depends_on=(),  # the view's own
                timeout=timeout() if callable(timeout) else timeout,
                keep=lambda value: isinstance(value, StoredResponse),
                moves_with_clock=moves_with_clock,
            )
            return result.response() if isinstance(result, StoredResponse) else result

        return remembered

    return decorator


def page_number(request):
    """The page a ``?p=`` asks for (1 without one), as Django's paginators read it; None
    for a value that is no number (its 404 is not remembered anyway)."""
    try:
        return (int(request.GET.get("p", 1)),)
    except ValueError:
        return None


# How late a response that moves with the clock (the news sitemap's two-day window)
# may follow it.
CLOCK_BOUND_SECONDS = 300
