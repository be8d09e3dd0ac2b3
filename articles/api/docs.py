"""The API's documentation page: its OpenAPI document as a server-rendered list of the
operations and their parameters. (Ninja's own page loads Swagger UI from a CDN, which
the site's Content-Security-Policy forbids.)"""

from django.shortcuts import render
from django.urls import reverse

from articles.api.endpoints import api
from articles.api.presenting import NAMESPACE


def operations(document):
    """(method, path, operation) of every operation, in the document's order."""
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield {
                "method": method.upper(),
                "path": path,
                "summary": operation.get("summary", ""),
                "description": operation.get("description", ""),
                "parameters": [
                    {"name": p["name"], "where": p["in"], "required": p.get("required", False),
                     "description": p.get("description") or p.get("schema", {}).get(
                         "description", "")}
                    for p in operation.get("parameters", [])
                ],
                "bodies": list(operation.get("requestBody", {}).get("content", {})),
                "responses": sorted(operation.get("responses", {})),
            }


def api_docs(request):
    document = api.get_openapi_schema(path_prefix=reverse(f"{NAMESPACE}:api-root"))
    return render(request, "api/docs.html", {
        "title": document["info"]["title"],
        "description": document["info"].get("description", ""),
        "operations": list(operations(document)),
        "openapi_url": reverse(f"{NAMESPACE}:openapi-json"),
    })
