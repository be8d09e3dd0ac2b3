"""The ISO 3166-1 country list, with the common English names readers know."""

import json
from functools import cache
from pathlib import Path

import pycountry

OVERRIDES_FILE = Path(__file__).parent / "data" / "country_names.json"


@cache
def common_name_overrides():
    data = json.loads(OVERRIDES_FILE.read_text(encoding="utf-8"))
    return {code: name for code, name in data.items() if not code.startswith("_")}


def iso_countries():
    """Yield (alpha-2 code, common English name) for every ISO 3166-1 country."""
    overrides = common_name_overrides()
    for country in pycountry.countries:
        code = country.alpha_2
        name = overrides.get(code) or getattr(country, "common_name", None) or country.name
        yield code, name


def install_countries(country_model):
    """Create every ISO country that is missing (the model may be a migration's)."""
    from django.utils.text import slugify

    existing = set(country_model.objects.values_list("code", flat=True))
    country_model.objects.bulk_create(
        country_model(code=code, name=name, slug=slugify(name), aliases=[])
        for code, name in iso_countries()
        if code not in existing
    )
