"""``POST /api/v1/ingest/``: an agency pushes one ninjs or NewsML-G2 document with its
key (``Authorization: Bearer KEY``, an ``AgencyToken``). 201 with the new story's id,
200 for an update, a kill or a duplicate, 422 with the reasons for bad input, 401 for a
missing or unknown key, 403 for a revoked one, 409 when the same item is being stored by
another push, 413 over the size limit, 429 over the key's rate (``NEWSROOM_INGEST_RATE``
pushes a minute, counted in the cache). Every answer is private: never cached."""

from typing import Literal

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError
from django.http import JsonResponse
from django.utils import timezone
from ninja import Router
from ninja.security import HttpBearer
from pydantic import Field

from articles.api.schemas import Error, Schema
from articles.models import AgencyToken
from articles.wire import lifecycle
from articles.wire.itemfiles import read_items
from articles.wire.plaintext import ImportFailed

RATE_WINDOW = 60  # seconds
PRIVATE = {"Cache-Control": "private, no-store"}

router = Router(tags=["ingest"])


class Refused(Exception):
    """A push turned away: its status, the reason, and any headers the answer needs."""

    def __init__(self, status, detail, **headers):
        super().__init__(detail)
        self.status, self.detail, self.headers = status, detail, headers


def refused(request, error):
    """The answer to a ``Refused`` push (the API's exception handler)."""
    return JsonResponse({"detail": error.detail}, status=error.status,
                        headers={**error.headers, **PRIVATE})


class AgencyKey(HttpBearer):
    """An agency's push key (``AgencyToken``, stored hashed); a missing, unknown or
    revoked key is refused with its reason, not ninja's bare 401."""

    def __call__(self, request):
        scheme, _, key = request.headers.get("Authorization", "").partition(" ")
        token = None
        if scheme.lower() == "bearer" and key.strip():
            token = AgencyToken.objects.for_key(key.strip())
        if token is None:
            raise Refused(401, "a valid agency key is required (Authorization: Bearer KEY)",
                          **{"WWW-Authenticate": 'Bearer realm="ingest"'})
        if token.revoked_at is not None:
            raise Refused(403, "this agency key has been revoked")
        return token

    def authenticate(self, request, token):  # pragma: no cover - __call__ decides
        raise NotImplementedError


def over_rate(token):
    """Count this push in the key's minute; True once it is over the rate."""
    window = int(timezone.now().timestamp()) // RATE_WINDOW
    key = f"ingest-rate:{token.pk}:{window}"
    cache.add(key, 0, RATE_WINDOW * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_WINDOW * 2)
        count = 1
    return count > settings.NEWSROOM_INGEST_RATE


class Outcome(Schema):
    outcome: Literal["imported", "updated", "proposed", "withdrawn", "skipped"]
    id: int | None = Field(description="The story's id, when there is one.")
    message: str


class Pushed(Schema):
    id: int | None = Field(None, description="The story's id, for a document of one item.")
    items: list[Outcome]


def texts(value=None):
    return {"type": "array", "items": {
        "type": "object", "required": ["value"], "additionalProperties": True,
        "properties": {"role": {"type": "string"}, "contenttype": {"type": "string"},
                       "value": value or {"type": "string"}}}}


TEXTS = texts()
# What the wire reads and stores (articles/wire/ninjs.py): a text story with a headline;
# anything else valid ninjs 2.2 is a 422 naming why.
NINJS_ITEM = {
    "type": "object", "required": ["uri", "headlines"], "additionalProperties": True,
    "properties": {
        "uri": {"type": "string", "format": "uri"},
        "version": {"type": "string", "pattern": "^[1-9][0-9]{0,8}$",
                    "description": "A whole number from 1 (absent: 1)."},
        "type": {"type": "string", "enum": ["text", "composite"]},
        "pubstatus": {"type": "string", "enum": ["usable", "withheld", "canceled"]},
        "headlines": {**texts({"type": "string", "pattern": "\\S"}), "minItems": 1},
        "descriptions": TEXTS,
        "bodies": TEXTS,
        "by": {"type": "string"},
        "located": {"type": "string"},
        "copyrightholder": {"type": "string"},
        "firstcreated": {"type": "string", "format": "date-time"},
        "embargoed": {"type": "string", "format": "date-time"},
    },
}
NINJS_BODY = {
    "anyOf": [NINJS_ITEM, {"type": "array", "items": NINJS_ITEM, "minItems": 1}],
    "description": "An IPTC ninjs 2.x news item, or a list of them, checked against the "
                   "ninjs 2.2 schema (https://www.iptc.org/std/ninjs/ninjs-schema_2.2.json).",
}
NEWSML_BODY = {"type": "string", "description": "A NewsML-G2 newsItem or newsMessage."}
PUSH_DOCUMENT = {
    "requestBody": {"required": True, "content": {
        "application/json": {"schema": NINJS_BODY},
        "application/xml": {"schema": NEWSML_BODY},
    }},
    "responses": {429: {"headers": {"Retry-After": {
        "schema": {"type": "integer"}, "description": "Seconds to wait."}}}},
}


@router.post("/ingest/", auth=AgencyKey(), url_name="ingest", summary="Push wire items",
             response={201: Pushed, 200: Pushed, 401: Error, 403: Error, 409: Error,
                       413: Error, 422: Error, 429: Error},
             openapi_extra=PUSH_DOCUMENT)
def ingest(request):
    """Store a pushed document's items, all or none, and answer what became of them:
    201 for a new story, 200 for an update, a kill or a duplicate. The body is read by
    its content, as files are."""
    token = request.auth
    if over_rate(token):
        raise Refused(429, f"over {settings.NEWSROOM_INGEST_RATE} pushes a minute for "
                      "this key; try again shortly", **{"Retry-After": str(RATE_WINDOW)})
    limit = settings.NEWSROOM_IMPORT_MAX_BYTES
    length = request.headers.get("Content-Length", "")
    if length.isascii() and length.isdigit() and int(length) > limit:
        raise Refused(413, f"the body is over the limit of {limit} bytes")
    raw = request.read(limit + 1)
    if len(raw) > limit:
        raise Refused(413, f"the body is over the limit of {limit} bytes")
    AgencyToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    try:
        items = read_items(raw)
        for item in items:
            item.source = item.source or token.source
        outcomes = lifecycle.store_items(items, name=f"pushed with {token.name}")
    except ImportFailed as error:
        raise Refused(422, [str(error)]) from error
    except IntegrityError as error:
        # The same item pushed twice at once: the other push stored it.
        raise Refused(409, "this item was being stored by another push; send it again "
                      "to learn what became of it") from error
    created = [o for o in outcomes if o.kind == lifecycle.IMPORTED]
    body = {"items": [{"outcome": o.kind, "id": o.article.pk if o.article else None,
                       "message": o.message} for o in outcomes]}
    if len(outcomes) == 1 and outcomes[0].article:
        body["id"] = outcomes[0].article.pk
    return JsonResponse(body, status=201 if created else 200, headers=PRIVATE)
