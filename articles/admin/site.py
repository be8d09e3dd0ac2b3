from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path

from articles.accounts.urls import account_urls
from articles.admin.input import is_id_of, refusing_nul
from articles.editorial.desk import desk_overview
from articles.editorial.workflow import visible_articles
from articles.models import Article


class NewsroomAdminSite(admin.AdminSite):
    site_header = "Newsroom"
    site_title = "Newsroom"
    index_title = "Editorial desk"
    enable_nav_sidebar = False  # the article list needs the width more than a menu

    def admin_view(self, view, cacheable=False):
        # Every admin page, the autocomplete included: a NUL in the address would reach
        # a query, which PostgreSQL refuses.
        return super().admin_view(refusing_nul(view), cacheable)

    def index(self, request, extra_context=None):
        context = {"desk": desk_overview(request.user), **(extra_context or {})}
        return super().index(request, context)

    def get_urls(self):
        own_view_on_site = path("r/<path:content_type_id>/<path:object_id>/",
                                self.admin_view(self.view_on_site), name="view_on_site")
        return [
            *account_urls(self),
            *(own_view_on_site if getattr(url, "name", None) == "view_on_site" else url
              for url in super().get_urls()),
        ]

    def view_on_site(self, request, content_type_id, object_id):
        """Django's "view on site" shortcut, but an article is looked up among those this
        person may see (Django's ignores that, and its redirect names any draft's slug),
        and one that is not public opens in its preview."""
        try:
            model = ContentType.objects.get(pk=content_type_id).model_class()
        except (ContentType.DoesNotExist, ValueError, ValidationError):
            model = None  # Django's shortcut answers 404 to it
        if model is not Article:
            return shortcut(request, content_type_id, object_id)
        if not is_id_of(Article, object_id):
            raise Http404("No such article.")
        article = get_object_or_404(visible_articles(request.user), pk=object_id)
        return redirect(self.get_model_admin(Article).get_view_on_site_url(article))
