"""``{% remember "name" key … [timeout=600] %}…{% endremember %}``: a template fragment
rendered once (articles.caching.state.remember), then reused until what it shows
changes; rendered each time where the context says ``fresh`` (a staff preview).

For parts of a page that depend only on content (the home page's most-covered tags, a
tag page's "often covered with", an article's tags and related articles). A fragment
shows what its page's view read before rendering it: it depends on the dependency keys
recorded for the page so far, and on those recorded inside it (the cards it renders),
and lives no longer than what the page read so far moves with the clock (a coverage
chart, its new month).
The keys name everything else that tells one such fragment from another (a tag, an
article).
"""

from django import template
from django.utils.safestring import mark_safe

from articles.caching import dependencies
from articles.caching.state import remember

register = template.Library()


class RememberNode(template.Node):
    def __init__(self, nodelist, keys, timeout):
        self.nodelist = nodelist
        self.keys = keys
        self.timeout = timeout

    def render(self, context):
        if context.get("fresh"):  # a preview: nothing remembered
            return self.nodelist.render(context)
        keys = [key.resolve(context) for key in self.keys]
        timeout = self.timeout.resolve(context) if self.timeout else 3600
        html = remember("fragment", lambda: str(self.nodelist.render(context)), *keys,
                        depends_on=dependencies.recorded(), timeout=int(timeout),
                        until=dependencies.recorded_until())
        return mark_safe(html)  # noqa: S308 - rendered by our own autoescaping template


@register.tag("remember")
def do_remember(parser, token):
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("{% remember %} needs a name")
    timeout = None
    if bits[-1].startswith("timeout="):
        timeout = parser.compile_filter(bits.pop()[len("timeout="):])
    nodelist = parser.parse(("endremember",))
    parser.delete_first_token()
    return RememberNode(nodelist, [parser.compile_filter(bit) for bit in bits], timeout)
