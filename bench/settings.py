"""Bench-only settings: the project's settings with the bench app (seed_bench) installed.

    DJANGO_SETTINGS_MODULE=bench.settings python manage.py seed_bench --articles 100000
"""

from newsroom import settings as base

globals().update({name: value for name, value in vars(base).items() if name.isupper()})

INSTALLED_APPS = [*base.INSTALLED_APPS, "bench"]
