"""Server-side HTML sanitising: whatever a client posts, only safe markup is stored."""

import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "em", "figcaption", "figure",
    "h2", "h3", "h4", "hr", "i", "li", "ol", "p", "pre", "q", "s", "strong", "sub",
    "sup", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "q": {"cite"},
}


def sanitise_html(html):
    """Keep only the tags and attributes a story needs; drop scripts, handlers, styles."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
