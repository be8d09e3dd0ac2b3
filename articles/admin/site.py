from django.contrib import admin

from articles.accounts.urls import account_urls
from articles.admin.input import refusing_nul
from articles.editorial.desk import desk_overview


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
        return [*account_urls(self), *super().get_urls()]
