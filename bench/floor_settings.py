"""Bench-only settings: the project's settings, with the floor views as the URLconf.

The floors are Django at its simplest on the same machine, middleware and server: a
view returning pre-rendered bytes, and one rendering a template of the same size with
no database. The product's page cache and replica pinning are left out: a floor has no
pages to cache.
"""

from bench import settings as base

globals().update({name: value for name, value in vars(base).items() if name.isupper()})

ROOT_URLCONF = "bench.floor_urls"
PRODUCT_ONLY = ("articles.caching.pages.PageCacheMiddleware",
                "articles.platform.routers.PrimaryPinMiddleware")
MIDDLEWARE = [entry for entry in base.MIDDLEWARE if entry not in PRODUCT_ONLY]
TEMPLATES = [
    {
        **base.TEMPLATES[0],
        "DIRS": [*base.TEMPLATES[0]["DIRS"], base.BASE_DIR / "bench" / "templates"],
    }
]
