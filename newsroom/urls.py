from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from articles.platform import csp
from articles.public import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    # Where browsers report what a Content-Security-Policy blocked (its report-uri).
    path("csp-report/", csp.report, name="csp-report"),
    path("api/v1/", include("articles.api.urls")),
    path("", include("articles.public.urls")),
]
# Uploaded images and their renditions: served by the web server (or the storage's own
# addresses) in production, by Django for `make run` (DEBUG only).
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
