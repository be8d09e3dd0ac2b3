"""``{% cached_url "articles:home" %}``: the {% url %} of a link every page repeats."""

from django import template

from articles.platform.links import cached_reverse

register = template.Library()


@register.simple_tag
def cached_url(viewname):
    return cached_reverse(viewname)
