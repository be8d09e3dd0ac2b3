"""Article cards rendered once per content generation and article version, then reused.

A listing page is mostly its 20 cards; rendering them with Django's template engine is
most of an uncached page's cost. Their HTML is kept in the cache under the content
generation (any write renews it, see articles.caching), so a card is never stale, and
fetched for a whole page in one round trip.
"""

from django import template
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from articles.caching import dependencies
from articles.caching.state import remember_many
from articles.public.selectors import CARD_TEMPLATE

register = template.Library()

# How a card may look: a listing's, the home page's lead story (large, its whole
# standfirst), one of the top stories in the row under it.
CARD_VARIANTS = ("card", "lead", "top")


@register.simple_tag
def cards_html(cards, variant="card"):
    """The cards' HTML in order; search cards (with a snippet) are rendered each time."""
    if variant not in CARD_VARIANTS:
        raise template.TemplateSyntaxError(f"No card variant {variant!r}.")
    card_template = get_template(CARD_TEMPLATE)

    def render(card):
        return card_template.render({"card": card, "variant": variant})

    def key(card):
        return f"{variant}.{card.key}"

    reusable = {key(card): card for card in cards if not card.snippet}
    cached = remember_many(
        "card", reusable, lambda missing: {k: render(reusable[k]) for k in missing},
        depends_on=lambda k: {dependencies.article(reusable[k].pk)},
    )
    dependencies.record(*(dependencies.article(card.pk) for card in cards if card.snippet))
    return mark_safe(  # noqa: S308 - HTML rendered by our own autoescaping template
        "".join(cached[key(card)] if not card.snippet else render(card) for card in cards)
    )
