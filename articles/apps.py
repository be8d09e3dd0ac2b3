from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ArticlesConfig(AppConfig):
    default = True
    name = "articles"
    verbose_name = "Newsroom"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django_q.signals import post_spawn

        from articles.accounts.logins import connect_signals as connect_login_signals
        from articles.caching.receivers import connect_signals
        from articles.editorial.mentions import connect_signals as connect_mention_signals
        from articles.platform.worker import schedule_heartbeat

        connect_signals()
        connect_login_signals()
        connect_mention_signals()
        post_spawn.connect(schedule_heartbeat, dispatch_uid="newsroom-worker-heartbeat")


class NewsroomAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the desk dashboard as its front page."""

    default = False
    default_site = "articles.admin.site.NewsroomAdminSite"

    def ready(self):
        super().ready()  # every app's admin module, articles.admin (the package) included
        # Newsroom's admin pages, one module per family. Registered here rather than by
        # the package's __init__: the admin site's class lives in that package, and
        # building the site must not import the modules that register on it.
        from articles.accounts import admin as accounts_admin  # noqa: F401
        from articles.admin import (  # noqa: F401
            api_tokens,
            articles,
            authors,
            front_page,
            images,
            people,
            vocabulary,
        )
