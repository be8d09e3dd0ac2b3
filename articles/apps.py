from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ArticlesConfig(AppConfig):
    default = True
    name = "articles"
    verbose_name = "Newsroom"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from articles.accounts.logins import connect_signals as connect_login_signals
        from articles.invalidation import connect_signals

        connect_signals()
        connect_login_signals()


class NewsroomAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the desk dashboard as its front page."""

    default = False
    default_site = "articles.admin_site.NewsroomAdminSite"
