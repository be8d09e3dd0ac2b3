"""An article as an IPTC ninjs 2.2 news item (https://www.iptc.org/standards/ninjs/).

Valid against the IPTC's JSON schema (``articles/wire/schemas/ninjs-schema_2.2.json``,
the copy the wire's reader checks items by; tests/test_api_ninjs.py checks several articles).
The mapping is documented in docs/API.md.
"""

from django.utils.timezone import localtime

from articles.api.presenting import status_of
from articles.platform.text import html_to_text

MEDIA_TYPE = "application/ninjs+json"
STANDARD = {"name": "ninjs", "version": "2.2",
            "schema": "https://www.iptc.org/std/ninjs/ninjs-schema_2.2.json"}
# A story no reader may see (a draft, one in review, scheduled or withdrawn) is
# "withheld": a receiver must not publish it.
PUBSTATUS = {"published": "usable", "withdrawn": "canceled"}


def moment(value):
    return localtime(value).isoformat()


def subject(ref, addresses, taxonomy):
    return {"name": ref.name, "rel": "about", "literal": ref.code or ref.slug,
            "uri": addresses.tag(taxonomy, ref.slug)}


def ninjs_item(article, tags, addresses):
    """The ninjs object of ``article`` (its tags from ``reads.tags_of``)."""
    text = html_to_text(article.body)
    item = {
        "uri": addresses.article(article.pk),
        "standard": STANDARD,
        "type": "text",
        "representationtype": "full",
        "version": str(article.version),
        "firstcreated": moment(article.created_at),
        "versioncreated": moment(article.updated_at),
        "pubstatus": PUBSTATUS.get(status_of(article), "withheld"),
        "language": "en",
        "slugline": article.slug,
        "headlines": [{"role": "main", "contenttype": "text/plain", "value": article.headline}],
        "bodies": [{"role": "main", "contenttype": "text/html", "value": article.body,
                    "charcount": len(text), "wordcount": len(text.split())}],
        "places": [subject(ref, addresses, "countries") for ref in tags["country"]],
        "people": [subject(ref, addresses, "ministers") for ref in tags["minister"]],
        "subjects": [subject(ref, addresses, "policies") for ref in tags["policy"]],
        "altids": [{"role": "newsroom-id", "value": str(article.pk)}],
    }
    if article.published_at is not None:
        item["contentcreated"] = moment(article.published_at)
    if article.standfirst:
        item["descriptions"] = [{"role": "summary", "contenttype": "text/plain",
                                 "value": article.standfirst}]
    if tags["authors"]:
        item["by"] = ", ".join(tags["authors"])
    elif article.source:
        item["by"] = article.source  # wire copy: its agency
    if article.dateline:
        item["located"] = article.dateline
    url = addresses.page(article)
    if url is not None:
        item["renditions"] = [{"name": "web", "href": url, "contenttype": "text/html"}]
    return item
