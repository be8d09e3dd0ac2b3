"""The read API, ``/api/v1/`` (django-ninja): articles, tags, search and corrections as
JSON, articles also as IPTC ninjs 2.2, described by an OpenAPI 3 document. See docs/API.md."""
