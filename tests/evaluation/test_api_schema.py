"""Property-based API tests: schemathesis against our OpenAPI schema.

Every read operation of /api/v1/ is called with generated parameters against a
published region; no call may end in a server error, and every response must
match the schema drf-spectacular publishes at /api/schema/.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

pytestmark = pytest.mark.django_db


CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture
def keep_test_connection():
    """Calls go straight to the WSGI app, which closes database connections at
    the end of each request; the test's transaction must survive them (Django's
    test client disconnects the same receivers)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def test_every_read_operation_conforms_to_the_schema(
    published_region, keep_test_connection
) -> None:
    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json", get_wsgi_application()
    ).include(method="GET")
    failures: dict[str, str] = {}
    tested = []
    for result in schema.get_all_operations():
        operation = result.ok()
        tested.append(operation.label)

        @given(case=operation.as_strategy())
        @settings(
            max_examples=20,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            derandomize=True,
        )
        def run(case) -> None:
            case.call_and_validate(checks=CHECKS)

        try:
            run()
        except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - collect all
            failures[operation.label] = f"{type(error).__name__}: {error}"[:2000]
    assert len(tested) >= 15, tested
    assert failures == {}, "\n\n".join(f"{k}\n{v}" for k, v in failures.items())
