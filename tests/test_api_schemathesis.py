"""Schemathesis against the read API's OpenAPI document, on a seeded database: no
server error and no response outside the schema, whatever the generated input.

Heavy, so it runs in the PostgreSQL pass only (like the other heavy tests).
"""

from itertools import product

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

from articles.models import Correction
from tests.public_data import build_newsroom

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="heavy: the PostgreSQL pass"),
]

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance,
          content_type_conformance]
EXAMPLES = 40


@pytest.fixture
def connection_kept():
    """The WSGI app would close the test's connection after each request (Django's own
    test client holds this off the same way)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_api_answers_every_generated_request_within_its_schema(db, connection_kept):
    """Each operation of the document, with generated parameters valid and invalid
    (Hypothesis through Schemathesis's own strategies: its pytest plugin does not run
    under pytest 9)."""
    room = build_newsroom(published=12)
    Correction.objects.create(article=room.articles[0], note="A name was misspelt.")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 6
    for operation, mode in product(operations, GenerationMode):

        @given(case=operation.as_strategy(generation_mode=mode))
        @hypothesis_settings(max_examples=EXAMPLES, deadline=None, database=None,
                             suppress_health_check=list(HealthCheck))
        def answers_within_its_schema(case):
            case.call_and_validate(checks=CHECKS)

        answers_within_its_schema()
