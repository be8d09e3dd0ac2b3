from django.conf import settings


def site(request):
    """The newsroom's name for every template."""
    return {"NEWSROOM_NAME": settings.NEWSROOM_NAME}
