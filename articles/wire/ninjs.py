"""IPTC ninjs 2.x (JSON) in: one item or a list, checked against the ninjs 2.2 schema
(``schemas/ninjs-schema_2.2.json``), each becoming a neutral ``WireItem``.

Pictures delivered with the item (``associations`` of type picture or graphic) come from
a file beside the item, named by a rendition's relative ``href``; a remote address is
never fetched, and the picture is recorded as missing.
"""

import json
from functools import cache
from pathlib import Path

from django.utils.html import escape
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from articles.wire.items import (
    USABLE,
    WireItem,
    WirePicture,
    code_of,
    wire_time,
    wire_version,
)
from articles.wire.plaintext import ImportFailed

SCHEMA_PATH = Path(__file__).with_name("schemas") / "ninjs-schema_2.2.json"
# The schema points places' geometry at geojson.org: never fetched, any object passes.
GEOJSON = "https://geojson.org/schema/GeoJSON.json"
PICTURE_TYPES = ("picture", "graphic")
HTML_TYPES = ("application/xhtml+xml", "text/html")


@cache
def _validator():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    registry = Registry().with_resource(
        GEOJSON, Resource(contents={"type": "object"}, specification=DRAFT202012))
    return Draft202012Validator(schema, registry=registry)


def read_ninjs(text, *, folder=None):
    """The WireItems of a ninjs document's text (one object or a list of them).

    ImportFailed names the line of malformed JSON, or the item and the place in it
    the schema refuses; nothing of the file is kept then.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFailed(f"invalid JSON: {error.msg} (column {error.colno})",
                           error.lineno) from error
    documents = data if isinstance(data, list) else [data]
    if not documents:
        raise ImportFailed("an empty list: no ninjs item")
    items = []
    for index, document in enumerate(documents):
        where = f"item {index + 1}: " if isinstance(data, list) else ""
        errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.path))
        if errors:
            first = errors[0]
            place = "/".join(map(str, first.absolute_path)) or "the item"
            raise ImportFailed(f"{where}not valid ninjs 2.2 at {place}: {first.message[:200]}")
        try:
            items.append(_item(document, folder))
        except ImportFailed as error:
            raise ImportFailed(f"{where}{error}") from error
    return items


def _item(document, folder):
    if document.get("type", "text") not in ("text", "composite"):
        raise ImportFailed(f"a ninjs item of type {document.get('type')!r}: only text "
                           "stories are imported")
    headline = _by_role(document.get("headlines"), ("main", "simple", "headline"))
    if not headline.strip():
        raise ImportFailed("no headline (headlines[].value)")
    return WireItem(
        uri=document["uri"],
        version=wire_version(document.get("version")),
        headline=" ".join(headline.split()),
        body=_body(document.get("bodies") or []),
        standfirst=_by_role(document.get("descriptions"), ("summary", "abstract", "teaser")),
        dateline=document.get("located") or "",
        bylines=_names(document.get("by") or ""),
        source=document.get("copyrightholder") or "",
        pubstatus=document.get("pubstatus") or USABLE,
        embargo_until=wire_time(document.get("embargoed"), "embargoed"),
        created_at=wire_time(document.get("firstcreated") or document.get("versioncreated"),
                             "firstcreated"),
        codes=_codes(document),
        pictures=[_picture(association, folder)
                  for association in document.get("associations") or []
                  if association.get("type") in PICTURE_TYPES],
        format="ninjs",
    )


def _by_role(entries, roles):
    """The value of the entry with the first of ``roles``, else the first entry's."""
    entries = [entry for entry in entries or [] if entry.get("value")]
    for role in roles:
        for entry in entries:
            if entry.get("role") == role:
                return entry["value"]
    return entries[0]["value"] if entries else ""


def _body(bodies):
    """The rich body if there is one, else the plain one in paragraphs."""
    for body in bodies:
        if body.get("contenttype") in HTML_TYPES and body.get("value"):
            return body["value"]
    plain = next((body["value"] for body in bodies if body.get("value")), "")
    paragraphs = [" ".join(part.split()) for part in plain.split("\n\n") if part.strip()]
    return "".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs)


def _names(by):
    """A by-line's names: "A, B and C" is three."""
    names = []
    for part in by.replace(" and ", ",").replace(" & ", ",").split(","):
        part = " ".join(part.split())
        if part.lower().startswith("by "):
            part = part[3:]
        if part:
            names.append(part)
    return names


def _codes(document):
    """The codes of what the item is about: subjects, places, people, organisations."""
    codes = []
    for key in ("subjects", "places", "people", "organisations"):
        for concept in document.get(key) or []:
            code = code_of(concept.get("uri")) or code_of(concept.get("literal"))
            if code and concept.get("rel") not in ("mentions",) and code not in codes:
                codes.append(code)
    return codes


def _picture(association, folder):
    picture = WirePicture(
        uri=association["uri"],
        caption=_by_role(association.get("descriptions"), ("caption", "summary")) or
        _by_role(association.get("headlines"), ("main",)),
        alt_text=_by_role(association.get("descriptions"), ("alt", "alternative")),
        credit=association.get("copyrightholder") or association.get("by") or "",
        usage_terms=association.get("usageterms") or association.get("copyrightnotice") or "",
    )
    expires = wire_time(association.get("expires"), "picture expires")
    picture.usage_ends = expires.date() if expires else None
    hrefs = [rendition.get("href") for rendition in association.get("renditions") or []
             if rendition.get("href")]
    picture.path, picture.missing = local_file(hrefs, folder)
    return picture


def local_file(hrefs, folder):
    """(path, "") of the first href naming a file beside the item, else (None, why).

    Only a plain relative name is looked for, in the item's folder; an address with a
    scheme (http:, data:, file:) is never fetched or read.
    """
    for href in hrefs:
        if ":" in href or href.startswith(("/", "\\")) or ".." in Path(href).parts:
            continue
        if folder is not None:
            path = Path(folder) / href
            if path.is_file() and not path.is_symlink():
                return path, ""
            return None, f"no file {href} beside the item"
    if hrefs:
        return None, f"not fetched: {hrefs[0][:80]} is not a file beside the item"
    return None, "no rendition named a file"
