"""Pictures of the image library in the public templates (includes/picture.html)."""

from django import template

from articles.caching import dependencies
from articles.public.selectors import image_shown

register = template.Library()


@register.filter
def shown_now(image):
    """Whether the page shows ``image`` (its usage terms last); the page is rendered
    afresh the day they end."""
    return image_shown(image)


@register.simple_tag
def picture_of(image, role):
    """The Picture of ``image`` in ``role``; the page now shows the image."""
    dependencies.record(dependencies.image(image.pk))
    return image.picture(role)
