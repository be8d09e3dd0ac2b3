"""Pictures of the image library in the public templates (includes/picture.html)."""

from django import template

from articles.caching import dependencies

register = template.Library()


@register.simple_tag
def picture_of(image, role):
    """The Picture of ``image`` in ``role``; the page now shows the image."""
    dependencies.record(dependencies.image(image.pk))
    return image.picture(role)
