"""``machine_time``: a time as HTML's ``datetime`` attribute takes it."""

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def machine_time(value):
    """ISO 8601 in the site's time zone, to the second: HTML allows at most three digits
    of a second, and Django's ``date:'c'`` writes six when the time has them."""
    if not value:
        return ""
    return timezone.localtime(value).replace(microsecond=0).isoformat()
