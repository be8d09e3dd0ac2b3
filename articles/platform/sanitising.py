"""Server-side HTML sanitising: whatever a client posts, only the body editor's markup is
stored.

``BODY_EXTENSIONS`` is the one list of what an article's body may hold. The admin's
editor (django-prose-editor) is configured from it, and nh3 keeps exactly the tags and
attributes django-prose-editor says those extensions produce, so the editor and the
server agree on the schema. Links are kept stricter than the library's default: no
``target`` and no ``rel`` (a link opens in the same tab, so it needs no ``noopener``),
on either side, so that a saved body reads back into the editor unchanged.
"""

import re
from html import escape

import nh3
from django_prose_editor.config import allowlist_from_extensions

URL_SCHEMES = {"http", "https", "mailto"}

# Paragraphs (always on), H2/H3, bold and italic, links, bulleted and numbered lists,
# blockquotes; undo and redo. Spell checking stays on (the library turns it off).
BODY_EXTENSIONS = {
    "Heading": {"levels": [2, 3]},
    "Bold": True,
    "Italic": True,
    "Link": {
        "enableTarget": False,
        "protocols": sorted(URL_SCHEMES),
        "HTMLAttributes": {"target": None, "rel": None},
    },
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "NoSpellCheck": False,
}


def body_allowlist():
    """The tags and attributes the editor's extensions produce, links tightened."""
    allowed = allowlist_from_extensions(BODY_EXTENSIONS)
    attributes = {tag: set(names) for tag, names in allowed["attributes"].items()}
    attributes["a"] -= {"rel", "target"}
    return frozenset(allowed["tags"]), attributes


ALLOWED_TAGS, ALLOWED_ATTRIBUTES = body_allowlist()


def plain_text_paragraphs(text):
    """Text typed without markup (the plain textarea, JavaScript off): one paragraph per
    blank-line-separated block, its line breaks read as spaces."""
    blocks = (" ".join(block.split()) for block in re.split(r"\n\s*\n", text))
    return "".join(f"<p>{escape(block, quote=False)}</p>" for block in blocks if block)


# A link typed as "www.example.org/page" or "example.org": a web address without its
# scheme, which a browser would read as a path on our own site.
BARE_DOMAIN = re.compile(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:[/?#:]|$)", re.I)
SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.I)
HREF = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)


def link_address(href):
    """A link's address as stored: a bare domain gets https://, spaces are encoded."""
    href = href.strip().replace(" ", "%20")
    if BARE_DOMAIN.match(href) and not SCHEME.match(href):
        return f"https://{href}"
    return href


def refused_links(html):
    """The link addresses in `html` whose scheme is not one a reader may follow
    (``URL_SCHEMES``): sanitising would drop them silently, so the form names them."""
    refused = []
    for match in HREF.finditer(html or ""):
        href = next(group for group in match.groups() if group is not None).strip()
        scheme = SCHEME.match(href)
        if not href or (scheme and scheme.group(1).lower() not in URL_SCHEMES):
            refused.append(href)
    return refused


def _attribute(tag, name, value):
    if tag == "a" and name == "href":
        return link_address(value)
    if name == "title" and not value.strip():
        return None  # the link dialog's empty title says nothing
    return value


def sanitise_html(html):
    """Keep only the body editor's tags and attributes; drop scripts, handlers, styles.

    Text with no markup at all becomes paragraphs, as the editor would have made it.
    """
    html = html or ""
    if not nh3.is_html(html):
        html = plain_text_paragraphs(html)
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
        attribute_filter=_attribute,
    )
