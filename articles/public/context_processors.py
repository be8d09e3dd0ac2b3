from django.conf import settings


def site(request):
    """The newsroom's name and language for every template."""
    return {"NEWSROOM_NAME": settings.NEWSROOM_NAME,
            "NEWSROOM_LANGUAGE": settings.NEWSROOM_LANGUAGE}
