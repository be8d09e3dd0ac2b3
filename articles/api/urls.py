"""The read API's addresses: ``/api/v1/`` (newsroom/urls.py mounts them)."""

from django.urls import path

from articles.api import docs
from articles.api.endpoints import api

urlpatterns = [
    path("docs/", docs.api_docs, name="api-docs"),
    path("", api.urls),
]
