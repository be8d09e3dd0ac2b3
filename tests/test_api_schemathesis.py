"""Schemathesis against the API's OpenAPI document, on a seeded database: no server
error and no response outside the schema, whatever the generated input, for the reads
and for an agency's push (with no key, a key we never issued, and a valid one).

Heavy, so it runs in the PostgreSQL pass only (like the other heavy tests).
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connection
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from articles.models import AgencyToken, Article, Correction
from tests.public_data import build_newsroom

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="heavy: the PostgreSQL pass"),
]

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance,
          content_type_conformance]
EXAMPLES = 40
PUSH = "/api/v1/ingest/"


@pytest.fixture
def connection_kept():
    """The WSGI app would close the test's connection after each request (Django's own
    test client holds this off the same way)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def run_cases(operation, authorization=None):
    """Generated requests to one operation, valid and invalid (Hypothesis through
    Schemathesis's own strategies: its pytest plugin does not run under pytest 9), each
    sent with ``authorization`` as its Authorization header, or none."""
    for mode in GenerationMode:

        @given(case=operation.as_strategy(generation_mode=mode))
        @hypothesis_settings(max_examples=EXAMPLES, deadline=None, database=None,
                             suppress_health_check=list(HealthCheck))
        def answers_within_its_schema(case):
            case.headers = {name: value for name, value in (case.headers or {}).items()
                            if name.lower() != "authorization"}
            if authorization is not None:
                case.headers["Authorization"] = authorization
            case.call_and_validate(checks=CHECKS)

        answers_within_its_schema()


@pytest.fixture
def operations(db, connection_kept):
    """The document's operations by path (reading it is a request too)."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    return {operation.path: operation
            for operation in (result.ok() for result in schema.get_all_operations())}


def test_the_api_answers_every_generated_request_within_its_schema(operations):
    """Each read operation of the document, with generated parameters."""
    room = build_newsroom(published=12)
    Correction.objects.create(article=room.articles[0], note="A name was misspelt.")
    reads = [operation for path, operation in operations.items() if path != PUSH]
    assert len(reads) == 6
    for operation in reads:
        run_cases(operation)


def test_a_push_answers_every_generated_body_within_its_schema(operations, settings):
    """The push with no key and a key we never issued is a documented refusal that
    stores nothing; with a valid key, whatever the body, a story or a documented
    refusal, never a server error."""
    settings.NEWSROOM_INGEST_RATE = 100_000
    token = AgencyToken(name="Schemathesis agency", source="Test Agency")
    key = token.new_key()
    token.save()
    push = operations[PUSH]
    for authorization in (None, "Bearer nra_never-issued"):
        run_cases(push, authorization)
    assert not Article.objects.exists()
    run_cases(push, f"Bearer {key}")
    assert Article.objects.filter(source__isnull=False).exists()
