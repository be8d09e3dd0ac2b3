"""Public URLs reversed once per process, then reused.

``reverse()`` costs tens of microseconds (it looks up the URLconf and the active
language each time), and a page needs dozens of links: the header, the footer, every tag
and bilateral link, every article of a sitemap. The same name and arguments always give
the same path, so each pattern is reversed once, with placeholders, and links are made by
putting the arguments in their places.
"""

from functools import lru_cache
from urllib.parse import quote

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# Characters reverse() leaves unquoted in a path (django.urls.resolvers).
SAFE = "!$&'()*+,;=/~:@"
# Placeholders that pass the article URL's date patterns ([0-9]{4}, [0-9]{2}).
PLACEHOLDERS = {"year": "1111", "month": "22", "day": "33"}


def _placeholder(name):
    return PLACEHOLDERS.get(name, f"placeholder-{name}-0")


@lru_cache(maxsize=256)
def _pieces(viewname, names, script_prefix, urlconf):
    """The reversed path cut around its arguments: text, name, text, name, …, text."""
    path = reverse(viewname, urlconf=urlconf, kwargs={n: _placeholder(n) for n in names})
    found = sorted((path.index(_placeholder(n), len(script_prefix)), n) for n in names)
    pieces, start = [], 0
    for index, name in found:
        pieces += [path[start:index], name]
        start = index + len(_placeholder(name))
    pieces.append(path[start:])
    return tuple(pieces)


def cached_reverse(viewname, **kwargs):
    """``reverse(viewname, kwargs=kwargs)``, at the cost of a join after the first call.

    For URL arguments that accept their placeholder: slugs, and the article URL's year,
    month and day.
    """
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    pieces = _pieces(viewname, tuple(sorted(kwargs)), get_script_prefix(), urlconf)
    return "".join(
        piece if i % 2 == 0 else quote(str(kwargs[piece]), safe=SAFE)
        for i, piece in enumerate(pieces)
    )
