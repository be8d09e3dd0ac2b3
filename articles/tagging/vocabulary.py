"""Loading the newsroom's vocabulary file: country aliases, ministers and policies.

The whole file is validated before anything is written, and then written in one
transaction, so a bad file changes nothing. Loading the same file twice changes nothing
the second time: ministers and policies are found by name, slug or an existing alias
(a merged spelling), countries by ISO code; aliases are added, never removed.
Invisible control characters are removed from the file's text, and the summary says how
many (articles.platform.text).
"""

import datetime
import json
from dataclasses import dataclass, field

from django.db import transaction

from articles.models import TAXONOMIES_BY_PLURAL, Country, Minister, Policy
from articles.platform.text import removed_note, strip_forbidden_data
from articles.tagging import normalise_phrase

SECTIONS = {
    "countries": {"code": str, "aliases": list},
    "ministers": {
        "name": str, "office": str, "country": str, "aliases": list,
        "in_office_from": str, "in_office_to": str,
    },
    "policies": {"name": str, "aliases": list, "description": str},
}
REQUIRED = {"countries": "code", "ministers": "name", "policies": "name"}
MODELS = {plural: taxonomy.model for plural, taxonomy in TAXONOMIES_BY_PLURAL.items()}
# Fields that hold names: direction controls are removed from them too.
NAME_FIELDS = frozenset({"name", "aliases", "office"})
TYPE_NAMES = {str: "a string", list: "a list", dict: "an object"}


class VocabularyError(Exception):
    """The file cannot be loaded; `errors` lists each problem with its place."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class LoadSummary:
    created: dict = field(default_factory=lambda: {"ministers": 0, "policies": 0})
    updated: dict = field(default_factory=lambda: {"countries": 0, "ministers": 0, "policies": 0})
    removed: int = 0  # control characters removed from the file's text
    warnings: list = field(default_factory=list)  # aliases several entries share

    def __str__(self):
        return "; ".join(filter(None, [
            f"countries updated {self.updated['countries']}",
            f"ministers created {self.created['ministers']}, "
            f"updated {self.updated['ministers']}",
            f"policies created {self.created['policies']}, updated {self.updated['policies']}",
            removed_note(self.removed),
        ]))


def read_vocabulary_file(path):
    """The parsed JSON of a vocabulary file, or VocabularyError saying where it broke."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            return json.load(handle)
    except OSError as error:
        raise VocabularyError([f"{path}: cannot read: {error.strerror}"]) from error
    except UnicodeDecodeError as error:
        raise VocabularyError([f"{path}: not UTF-8 text (byte {error.start})"]) from error
    except json.JSONDecodeError as error:
        raise VocabularyError(
            [f"{path}: line {error.lineno}, column {error.colno}: invalid JSON: {error.msg}"]
        ) from error


def validate_vocabulary(data):
    """Every problem in the parsed file, each as 'place: message'; empty when loadable."""
    if not isinstance(data, dict):
        return ["top level: must be an object with countries, ministers and policies"]
    errors = []
    known_codes = set(Country.objects.values_list("code", flat=True))
    for section, fields in SECTIONS.items():
        items = data.get(section, [])
        if not isinstance(items, list):
            errors.append(f"{section}: must be a list")
            continue
        for index, item in enumerate(items):
            place = f"{section}[{index}]"
            if not isinstance(item, dict):
                errors.append(f"{place}: must be an object")
                continue
            errors += _validate_item(place, section, item, fields, known_codes)
    if not errors:
        errors += _name_errors(data)
    return errors


def _validate_item(place, section, item, fields, known_codes):
    errors = []
    required = REQUIRED[section]
    value = item.get(required)
    if not isinstance(value, str) or not value.strip():
        errors.append(f"{place}.{required}: required, a non-empty string")
    if isinstance(value, str) and len(value.strip()) > _max_length(section, required):
        errors.append(f"{place}.{required}: longer than {_max_length(section, required)} "
                      "characters")
    for key, kind in fields.items():
        if key not in item or key == required:
            continue
        if item[key] is None and key not in ("aliases",):
            continue
        if not isinstance(item[key], kind):
            errors.append(f"{place}.{key}: must be {TYPE_NAMES[kind]}")
        elif kind is str and len(item[key].strip()) > _max_length(section, key):
            errors.append(f"{place}.{key}: longer than {_max_length(section, key)} characters")
        elif kind is list:
            for position, alias in enumerate(item[key]):
                if not isinstance(alias, str) or not alias.strip():
                    errors.append(f"{place}.{key}[{position}]: must be a non-empty string")
    if section == "countries" and isinstance(value, str) and value.strip():
        if value.strip().upper() not in known_codes:
            errors.append(f"{place}.code: unknown ISO 3166-1 country code {value!r}")
    if section == "ministers":
        code = item.get("country")
        if isinstance(code, str) and code.strip() and _country(code) is None:
            errors.append(f"{place}.country: unknown ISO 3166-1 country code {code!r}")
        for key in ("in_office_from", "in_office_to"):
            if isinstance(item.get(key), str):
                try:
                    datetime.date.fromisoformat(item[key])
                except ValueError:
                    errors.append(f"{place}.{key}: must be a date YYYY-MM-DD")
    return errors


def _max_length(section, key):
    """The longest text the entry's column holds (unbounded for TextField and dates)."""
    field = MODELS[section]._meta.get_field(key)
    return getattr(field, "max_length", None) or float("inf")


def vocabulary_warnings(data):
    """What the loader ignores: sections and fields the format does not have."""
    if not isinstance(data, dict):
        return []
    warnings = [f"{key}: unknown section, ignored" for key in data if key not in SECTIONS]
    for section, fields in SECTIONS.items():
        items = data.get(section)
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            if isinstance(item, dict):
                warnings += [
                    f"{section}[{index}].{key}: unknown field, ignored"
                    for key in item if key not in fields
                ]
    return warnings


def _country(value):
    """The country an ISO code (or, leniently, its name or an alias) names, or None."""
    value = value.strip()
    return (
        Country.objects.filter(code=value.upper()).first()
        if len(value) == 2
        else Country.objects.named(value).first()
    )


def _owner_of_name(model, name):
    """The entry a file's name updates: the one called so, or the one it names by slug or
    by an alias (a merged spelling); `...` when it is an alias several entries share."""
    found = list(model.objects.named(name, slug=True)[:2])
    if not found:
        return None
    if len(found) == 1 or found[0].name.casefold() == " ".join(name.split()).casefold():
        return found[0]
    return ...


def _name_errors(data):
    """A name that is only an alias several entries share: which one it means is unknown."""
    errors = []
    for section in ("ministers", "policies"):
        for index, item in enumerate(data.get(section, [])):
            if _owner_of_name(MODELS[section], item["name"].strip()) is ...:
                errors.append(
                    f"{section}[{index}].name: {item['name'].strip()!r} is an alias shared "
                    f"by several {section}; give the entry's own name"
                )
    return errors


def shared_aliases(data):
    """Warnings for each name or alias that several ministers (or policies) answer to,
    in the file or with the database; each lists who shares it. Such a vocabulary loads:
    the tagger resolves a shared alias in each story (docs/TAGGING.md)."""
    if not isinstance(data, dict):
        return []
    warnings = []
    for section in ("ministers", "policies"):
        items = data.get(section)
        if not isinstance(items, list):
            continue
        model = MODELS[section]
        owners = {}  # normalised phrase -> {identity: (entry name, place)}
        for entry in model.objects.all():
            for phrase in entry.all_names():
                owners.setdefault(normalise_phrase(phrase), {}).setdefault(
                    entry.pk, (entry.name, "the database"))
        in_file = set()
        for index, item in enumerate(items):
            if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                continue
            name = item["name"].strip()
            existing = _owner_of_name(model, name)
            identity = existing.pk if existing not in (None, ...) else name.casefold()
            phrases = [(f"{section}[{index}].name", name)] + [
                (f"{section}[{index}].aliases[{position}]", alias)
                for position, alias in enumerate(item.get("aliases") or [])
                if isinstance(alias, str)
            ]
            for place, phrase in phrases:
                key = normalise_phrase(phrase)
                if key:
                    owners.setdefault(key, {}).setdefault(identity, (name, place))
                    in_file.add(key)
        for key in sorted(in_file, key=" ".join):
            sharers = owners[key]
            if len(sharers) > 1:
                listed = ", ".join(f"{name!r} ({place})" for name, place in sharers.values())
                warnings.append(
                    f"{section}: {' '.join(key)!r} is shared by {len(sharers)} {section}: "
                    f"{listed}; a story gets the one it names in full, none if both or neither"
                )
    return warnings


def load_vocabulary(*, data):
    """Validate the whole vocabulary, then write it in one transaction.

    Raises VocabularyError (and writes nothing) if any part is invalid. An alias
    several entries share is no error: `summary.warnings` lists each, with who shares it.
    """
    data, removed = strip_forbidden_data(data, name_keys=NAME_FIELDS)
    errors = validate_vocabulary(data)
    if errors:
        raise VocabularyError(errors)
    summary = LoadSummary(removed=removed, warnings=shared_aliases(data))
    with transaction.atomic():
        for item in data.get("countries", []):
            country = Country.objects.select_for_update().get(code=item["code"].strip().upper())
            if _merge_aliases(country, item.get("aliases") or []):
                country.save(update_fields=["aliases", "updated_at"])
                summary.updated["countries"] += 1
        for item in data.get("ministers", []):
            _load_minister(item, summary)
        for item in data.get("policies", []):
            _load_tag(Policy, item, {"description": item.get("description")}, "policies", summary)
    return summary


def _merge_aliases(tag, aliases):
    """Add the new aliases (not the name itself); True if anything changed."""
    known = {phrase.casefold() for phrase in tag.all_names()}
    added = False
    for alias in aliases:
        alias = alias.strip()
        if alias.casefold() not in known:
            tag.aliases = [*tag.aliases, alias]
            known.add(alias.casefold())
            added = True
    return added


def _load_minister(item, summary):
    country = _country(item["country"]) if item.get("country") else None
    values = {
        "office": item.get("office"),
        "country": country,
        "in_office_from": _date(item.get("in_office_from")),
        "in_office_to": _date(item.get("in_office_to")),
    }
    _load_tag(Minister, item, values, "ministers", summary)


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def _load_tag(model, item, values, section, summary):
    name = item["name"].strip()
    # Only what the file says is changed; a blank text field is stored as "".
    values = {
        key: "" if value is None and key in ("office", "description") else value
        for key, value in values.items()
        if key in item
    }
    # A spelling merged into another entry lives on as its alias: that entry is updated.
    tag = model.objects.named(name, slug=True).first()
    if tag is None:
        tag = model(name=name, aliases=[], **values)
        _merge_aliases(tag, item.get("aliases") or [])
        tag.save()
        summary.created[section] += 1
        return tag
    changed = [key for key, value in values.items() if getattr(tag, key) != value]
    for key in changed:
        setattr(tag, key, values[key])
    if _merge_aliases(tag, item.get("aliases") or []):
        changed.append("aliases")
    if changed:
        tag.save()
        summary.updated[section] += 1
    return tag
