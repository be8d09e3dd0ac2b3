"""Public URLs reversed once per process, then reused.

``reverse()`` costs tens of microseconds (it looks up the URLconf and the active
language each time), and a listing page needs dozens of links: the header, the footer,
every tag and bilateral link. The same name and arguments always give the same path, so
each pattern is reversed once, with placeholders, and links are made by substitution.
"""

from functools import lru_cache
from urllib.parse import quote

from django.urls import get_script_prefix, get_urlconf, reverse

# Characters reverse() leaves unquoted in a path (django.urls.resolvers).
SAFE = "!$&'()*+,;=/~:@"


def _placeholder(name):
    return f"placeholder-{name}-0"


@lru_cache(maxsize=256)
def _pattern(viewname, names, script_prefix, urlconf):
    return reverse(viewname, urlconf=urlconf, kwargs={n: _placeholder(n) for n in names})


def cached_reverse(viewname, **kwargs):
    """``reverse(viewname, kwargs=kwargs)`` for slug arguments, at the cost of a replace.

    Only for URL arguments that accept ``placeholder-<name>-0`` (slugs), which is what
    the placeholders are reversed as.
    """
    path = _pattern(viewname, tuple(sorted(kwargs)), get_script_prefix(), get_urlconf())
    for name, value in kwargs.items():
        path = path.replace(_placeholder(name), quote(str(value), safe=SAFE), 1)
    return path
