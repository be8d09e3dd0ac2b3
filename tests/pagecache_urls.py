"""A tiny public site for the page-cache tests, independent of the real templates."""

import time

from django.contrib import admin
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from django.urls import include, path
from django.views.decorators.cache import never_cache

from articles.models import Article, Minister
from articles.platform import csp


def article_list(request):
    lines = []
    for article in Article.objects.published().with_tags():
        countries = ", ".join(c.name for c in article.countries.all())
        ministers = ", ".join(m.name for m in article.ministers.all())
        lines.append(f"{article.headline} [{countries}] [{ministers}]")
    return HttpResponse("\n".join(lines), content_type="text/plain")


def article_detail(request, slug):
    article = get_object_or_404(Article.objects.published(), slug=slug)
    notes = "\n".join(c.note for c in article.corrections.all())
    return HttpResponse(f"{article.headline}\n{notes}", content_type="text/plain")


def minister_detail(request, slug):
    minister = get_object_or_404(Minister, slug=slug)
    headlines = "\n".join(a.headline for a in Article.objects.published().filter(
        ministers=minister))
    return HttpResponse(f"{minister.name}\n{headlines}", content_type="text/plain")


def sets_cookie(request):
    response = HttpResponse("hello")
    response.set_cookie("seen", "1")
    return response


def form_page(request):
    return HttpResponse(f"<form>{get_token(request)}</form>")


@never_cache
def private_page(request):
    return HttpResponse("private")


class SlowPage:
    """A page that takes a while to render and counts its renders; it shows ``text`` as
    read when its rendering began (as a view reads the database) and depends on the key
    ``slow``."""

    seconds = 0.4
    text = "first"
    renders = 0
    began = None  # a threading.Event set once a render has read its text, if given

    @classmethod
    def view(cls, request):
        from articles.caching import dependencies

        cls.renders += 1
        dependencies.record("slow")
        text = cls.text
        if cls.began is not None:
            cls.began.set()
        time.sleep(cls.seconds)
        return HttpResponse(text, content_type="text/plain")


urlpatterns = [
    path("", article_list, name="list"),
    path("a/<slug:slug>/", article_detail, name="detail"),
    path("m/<slug:slug>/", minister_detail, name="minister"),
    path("cookie/", sets_cookie),
    path("private/", private_page),
    path("form/", form_page),
    path("slow/", SlowPage.view),
    # The real site too, so shared templates (the 404 page) can reverse its names.
    path("admin/", admin.site.urls),
    path("site/", include("articles.public.urls")),
    # The policies' report-uri, which every response names.
    path("csp-report/", csp.report, name="csp-report"),
]
