"""A country's facts for its page: capital, region and flag, from kept data packages
(countryinfo, as the names come from pycountry), never a query."""

import functools
from dataclasses import dataclass

from countryinfo import CountryInfo

# Regional indicator symbols: "IN" is U+1F1EE U+1F1F3, which systems draw as a flag.
REGIONAL_INDICATOR_A = 0x1F1E6


@dataclass(frozen=True)
class CountryFacts:
    capital: str
    region: str  # "Southern Asia": the subregion where the package knows it
    flag: str  # the regional-indicator pair, empty for a code that is not two letters


def flag_of(code):
    """The Unicode flag of an ISO 3166-1 alpha-2 code, or "" for anything else."""
    code = code.upper()
    if len(code) != 2 or not code.isascii() or not code.isalpha():
        return ""
    return "".join(chr(REGIONAL_INDICATOR_A + ord(letter) - ord("A")) for letter in code)


@functools.lru_cache(maxsize=512)
def country_facts(code):
    """The CountryFacts of a code; blank where the package knows nothing (Antarctica has
    no capital)."""
    try:
        info = CountryInfo(code)
        capital, region, subregion = info.capital(), info.region(), info.subregion()
    except (KeyError, AttributeError, TypeError, ValueError):
        capital = region = subregion = ""
    return CountryFacts(capital=capital or "", region=subregion or region or "",
                        flag=flag_of(code))
