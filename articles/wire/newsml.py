"""IPTC NewsML-G2 (XML) in: a ``newsItem`` or a ``newsMessage`` carrying one text item
and the picture items of its package, each text item becoming a neutral ``WireItem``.

Parsed with defusedxml: a document type with entities (billion laughs) or an external
entity or DTD is refused with a clear error, never expanded or fetched. Pictures come
from a file beside the item named by ``remoteContent/@href``; a remote address is never
fetched, and the picture is recorded as missing.
"""

import datetime
import re

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeTree
from django.utils.html import escape

from articles.wire.items import (
    CANCELED,
    USABLE,
    WITHHELD,
    WireItem,
    WirePicture,
    code_of,
    wire_time,
    wire_version,
)
from articles.wire.ninjs import local_file
from articles.wire.plaintext import ImportFailed

NAR = "{http://iptc.org/std/nar/2006-10-01/}"
TEXT_CLASSES = ("ninat:text", "ninat:composite")
PICTURE_CLASSES = ("ninat:picture", "ninat:graphic")
STATUSES = {"stat:usable": USABLE, "stat:withheld": WITHHELD, "stat:canceled": CANCELED}
# The markup kept from an XHTML or NITF body (nh3 cleans the rest when it is stored).
KEPT = {"p": "p", "h2": "h2", "h3": "h3", "hl2": "h2", "ul": "ul", "ol": "ol", "li": "li",
        "blockquote": "blockquote", "b": "strong", "strong": "strong", "i": "em",
        "em": "em", "a": "a", "br": "br", "q": "q"}


def read_newsml(text, *, folder=None):
    """The WireItems of a NewsML-G2 document's text; ImportFailed with the line of
    malformed XML, a refused entity or an unknown profile, and nothing kept."""
    try:
        root = SafeTree.fromstring(text.encode("utf-8"), forbid_dtd=False,
                                   forbid_entities=True, forbid_external=True)
    except SafeTree.ParseError as error:
        line, column = getattr(error, "position", (None, None))
        message = str(error).split(":")[0]
        raise ImportFailed(f"invalid XML: {message} (column {column})", line) from error
    except DefusedXmlException as error:
        raise ImportFailed(
            "XML with entity declarations or an external reference is refused "
            f"(defusedxml: {type(error).__name__}); nothing is expanded or fetched"
        ) from error
    if root.tag == f"{NAR}newsItem":
        items = [root]
    elif root.tag == f"{NAR}newsMessage":
        items = root.findall(f"{NAR}itemSet/{NAR}newsItem")
    else:
        raise ImportFailed(f"unknown NewsML-G2 profile: the document is <{_local(root.tag)}>,"
                           " not a newsItem or newsMessage in the IPTC NAR namespace")
    texts = [item for item in items if _item_class(item) in TEXT_CLASSES]
    pictures = [_picture(item, folder) for item in items
                if _item_class(item) in PICTURE_CLASSES]
    unknown = [_item_class(item) for item in items
               if _item_class(item) not in TEXT_CLASSES + PICTURE_CLASSES]
    if unknown or not texts:
        found = unknown[0] if unknown else "none"
        raise ImportFailed(f"unknown NewsML-G2 profile: item class {found!r}"
                           f"; only text items ({', '.join(TEXT_CLASSES)}) with their "
                           "pictures are imported")
    return [_text_item(item, pictures if index == 0 else []) for index, item in enumerate(texts)]


def _local(tag):
    return tag.rsplit("}", 1)[-1]


def _item_class(item):
    found = item.find(f"{NAR}itemMeta/{NAR}itemClass")
    return found.get("qcode", "") if found is not None else ""


def _text(element, path):
    found = element.find(path)
    return " ".join("".join(found.itertext()).split()) if found is not None else ""


def _text_item(item, pictures):
    meta, content = f"{NAR}itemMeta/", f"{NAR}contentMeta/"
    guid = (item.get("guid") or "").strip()
    if not guid:
        raise ImportFailed("newsItem has no guid")
    headline = _text(item, f"{content}{NAR}headline")
    if not headline:
        raise ImportFailed(f"newsItem {guid[:80]}: no headline")
    status = item.find(f"{meta}{NAR}pubStatus")
    qcode = status.get("qcode", "stat:usable") if status is not None else "stat:usable"
    if qcode not in STATUSES:
        raise ImportFailed(f"newsItem {guid[:80]}: unknown pubStatus {qcode!r}")
    located = item.find(f"{content}{NAR}located")
    bylines = [_text(by, ".") for by in item.findall(f"{content}{NAR}by")] or [
        _text(creator, f"{NAR}name") for creator in item.findall(f"{content}{NAR}creator")]
    return WireItem(
        uri=guid,
        version=wire_version(item.get("version")),
        headline=headline,
        body=_body(item),
        standfirst=next((_text(d, ".") for d in item.findall(f"{content}{NAR}description")
                         if d.get("role") in ("drol:summary", "drol:teaser")), ""),
        dateline=_text(item, f"{content}{NAR}dateline") or (
            _text(located, f"{NAR}name") if located is not None else ""),
        bylines=[name for name in bylines if name],
        source=_source(item),
        pubstatus=STATUSES[qcode],
        embargo_until=wire_time(_text(item, f"{meta}{NAR}embargoed"), "embargoed"),
        created_at=wire_time(_text(item, f"{meta}{NAR}firstCreated")
                             or _text(item, f"{meta}{NAR}versionCreated"), "firstCreated"),
        codes=list(dict.fromkeys(filter(None, (
            code_of(subject.get("qcode")) or code_of(subject.get("uri"))
            for subject in item.findall(f"{content}{NAR}subject"))))),
        pictures=pictures,
        format="NewsML-G2",
    )


def _source(item):
    """The agency: the provider's name, else the copyright holder's."""
    provider = item.find(f"{NAR}itemMeta/{NAR}provider")
    if provider is not None:
        named = _text(provider, f"{NAR}name") or provider.get("literal", "")
        if named:
            return named
    return _text(item, f"{NAR}rightsInfo/{NAR}copyrightHolder/{NAR}name")


def _body(item):
    """The body of the item's inline XHTML or NITF, or its inline plain text."""
    for inline in item.iter(f"{NAR}inlineXML"):
        for element in inline.iter():
            if _local(element.tag) in ("body.content", "body") and element is not inline:
                blocks = [child for child in element if _local(child.tag) != "body.head"]
                if _local(element.tag) == "body" and any(
                        _local(c.tag) == "body.content" for c in element):
                    continue
                return "".join(_markup(child).strip() for child in blocks)
    for inline in item.iter(f"{NAR}inlineData"):
        text = inline.text or ""
        return "".join(f"<p>{escape(' '.join(part.split()))}</p>"
                       for part in text.split("\n\n") if part.strip())
    return ""


def _markup(element):
    """An XHTML or NITF element as plain HTML: known tags kept, others unwrapped."""
    name = KEPT.get(_local(element.tag))
    inner = _spaced(element.text) + "".join(_markup(child) for child in element)
    tail = _spaced(element.tail)
    if name is None:
        return inner + tail
    if name == "br":
        return "<br>" + tail
    href = element.get("href", "") if name == "a" else ""
    attributes = f' href="{escape(href)}"' if href else ""
    return f"<{name}{attributes}>{inner}</{name}>{tail}"


def _spaced(text):
    """Text as HTML shows it: each run of white space one space."""
    return escape(re.sub(r"\s+", " ", text or ""))


def _picture(item, folder):
    rights = item.find(f"{NAR}rightsInfo")
    content = f"{NAR}contentMeta/"
    picture = WirePicture(
        uri=(item.get("guid") or "").strip(),
        caption=next((_text(d, ".") for d in item.findall(f"{content}{NAR}description")
                      if d.get("role") in ("drol:caption", "drol:summary")), "")
        or _text(item, f"{content}{NAR}headline"),
        alt_text=next((_text(d, ".") for d in item.findall(f"{content}{NAR}description")
                       if d.get("role") == "drol:alternativeText"), ""),
        credit=_text(item, f"{content}{NAR}creditline") or (
            _text(rights, f"{NAR}copyrightHolder/{NAR}name") if rights is not None else ""),
        usage_terms=_text(rights, f"{NAR}usageTerms") if rights is not None else "",
    )
    valid_to = rights.get("validto") if rights is not None else None
    if valid_to:
        try:
            picture.usage_ends = datetime.date.fromisoformat(valid_to[:10])
        except ValueError as error:
            raise ImportFailed(f"picture {picture.uri[:80]}: rightsInfo validto "
                               f"{valid_to[:30]!r} is not a date") from error
    hrefs = [remote.get("href", "") for remote in item.iter(f"{NAR}remoteContent")
             if remote.get("href")]
    picture.path, picture.missing = local_file(hrefs, folder)
    return picture
