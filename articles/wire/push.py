"""``POST /api/v1/ingest/``: an agency pushes one ninjs or NewsML-G2 document with its
key (``Authorization: Bearer KEY``, an ``AgencyToken``). 201 with the new story's id,
200 for an update, a kill or a duplicate, 422 with the reasons for bad input, 401 for a
missing or unknown key, 403 for a revoked one, 409 when the same item is being stored by
another push, 413 over the size limit, 429 over the
key's rate (``NEWSROOM_INGEST_RATE`` pushes a minute, counted in the cache)."""

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from articles.models import AgencyToken
from articles.wire import lifecycle
from articles.wire.itemfiles import read_items
from articles.wire.plaintext import ImportFailed

RATE_WINDOW = 60  # seconds


def _refused(status, detail, **headers):
    response = JsonResponse({"detail": detail}, status=status)
    for name, value in headers.items():
        response[name] = value
    response["Cache-Control"] = "private, no-store"
    return response


def _token(request):
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        return None
    return AgencyToken.objects.for_key(key.strip())


def _over_rate(token):
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


@csrf_exempt
@require_POST
def receive(request):
    """Store a pushed document's items, all or none, and answer what became of them."""
    token = _token(request)
    if token is None:
        return _refused(401, "a valid agency key is required (Authorization: Bearer KEY)",
                        **{"WWW-Authenticate": 'Bearer realm="ingest"'})
    if token.revoked_at is not None:
        return _refused(403, "this agency key has been revoked")
    if _over_rate(token):
        return _refused(429, f"over {settings.NEWSROOM_INGEST_RATE} pushes a minute for "
                        "this key; try again shortly", **{"Retry-After": str(RATE_WINDOW)})
    limit = settings.NEWSROOM_IMPORT_MAX_BYTES
    length = request.headers.get("Content-Length", "")
    if length.isascii() and length.isdigit() and int(length) > limit:
        return _refused(413, f"the body is over the limit of {limit} bytes")
    raw = request.read(limit + 1)
    if len(raw) > limit:
        return _refused(413, f"the body is over the limit of {limit} bytes")
    AgencyToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    try:
        items = read_items(raw)
        for item in items:
            item.source = item.source or token.source
        outcomes = lifecycle.store_items(items, name=f"pushed with {token.name}")
    except ImportFailed as error:
        return _refused(422, [str(error)])
    except IntegrityError:
        # The same item pushed twice at once: the other push stored it.
        return _refused(409, "this item was being stored by another push; send it again "
                        "to learn what became of it")
    created = [o for o in outcomes if o.kind == lifecycle.IMPORTED]
    body = {"items": [{"outcome": o.kind, "id": o.article.pk if o.article else None,
                       "message": o.message} for o in outcomes]}
    if len(outcomes) == 1 and outcomes[0].article:
        body["id"] = outcomes[0].article.pk
    response = JsonResponse(body, status=201 if created else 200)
    response["Cache-Control"] = "private, no-store"
    return response
