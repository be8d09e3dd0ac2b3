"""Schemathesis against the read API's OpenAPI document, on a seeded database: no
server error and no response outside the schema, whatever the generated input.

Heavy, so it runs in the PostgreSQL pass only (like the other heavy tests).
"""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.db import connection
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
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


@pytest.fixture
def api_schema(db):
    room = build_newsroom(published=12)
    Correction.objects.create(article=room.articles[0], note="A name was misspelt.")
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@hypothesis_settings(max_examples=60, deadline=None, database=None,
                     suppress_health_check=list(HealthCheck))
def test_the_api_answers_every_generated_request_within_its_schema(case):
    case.call_and_validate(checks=CHECKS)
