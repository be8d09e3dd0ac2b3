"""Countries: the ISO 3166-1 list with the common English names readers know, and every
name, demonym and capital by which copy may refer to each (pycountry, countryinfo and
our own data/country_aliases.json)."""

import json
from functools import cache
from pathlib import Path

import pycountry
from countryinfo import CountryInfo

from articles.tagging.text import normalise_phrase

OVERRIDES_FILE = Path(__file__).parent / "data" / "country_names.json"
DATA_FILE = Path(__file__).parent / "data" / "country_aliases.json"


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


@cache
def country_data():
    """The hand-kept part of the country names: extra aliases, exclusions, guards."""
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def _strings(*values):
    """The non-empty strings among values, lists flattened (the package mixes both)."""
    found = []
    for value in values:
        if isinstance(value, str) and value.strip():
            found.append(value)
        elif isinstance(value, list):
            found += _strings(*value)
    return found


@cache
def package_country_names():
    """{ISO code: {"name": [...], "capital": [...]}} from pycountry and countryinfo."""
    names = {}
    for country in pycountry.countries:
        forms = names.setdefault(
            country.alpha_2, {"name": [], "capital": [], "population": 0}
        )
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                forms["name"].append(value)
    codes = {c.alpha_2 for c in pycountry.countries} | {c.alpha_3 for c in pycountry.countries}
    for info in CountryInfo.all().values():
        code = (info.get("ISO") or {}).get("alpha2")
        if code not in names:
            continue
        forms = names[code]
        spellings = _strings(info.get("name"), info.get("demonym"))
        spellings += _strings(info.get("altSpellings"))
        # Bare ISO codes ("IN", "IT", "TO") are ordinary words in copy.
        forms["name"] += [s for s in spellings if s not in codes]
        forms["capital"] += _strings(info.get("capital"))
        forms["population"] = info.get("population") or 0
    return names


def country_forms(code, name, aliases):
    """Every (phrase, role) by which copy may name this country."""
    data = country_data()
    package = package_country_names().get(code, {"name": [], "capital": []})
    excluded = {normalise_phrase(p) for p in data["exclude"].get(code, [])}
    forms = [(name, "name")]
    forms += [(p, "package") for p in package["name"]]
    forms += [(p, "package") for p in data["aliases"].get(code, [])]
    forms += [(p, "capital") for p in package["capital"]]
    forms += [(p, "capital") for p in data["capitals"].get(code, [])]
    forms += [(p, "alias") for p in aliases]
    return [(p, role) for p, role in forms if normalise_phrase(p) not in excluded]
