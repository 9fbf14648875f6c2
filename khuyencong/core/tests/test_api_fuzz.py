"""Property-based fuzzing of the whole OpenAPI schema (schemathesis): no 5xx, valid responses.

Every operation of the published schema is called with generated parameters and bodies, as a
province administrator (token) and anonymously; the app must answer every one without a server
error, with a response that matches the schema, and must refuse the anonymous calls.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

RAW = json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))
schema = schemathesis.openapi.from_dict(RAW)
schema.app = get_wsgi_application()
FUZZ = settings(max_examples=8, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.filter_too_much, HealthCheck.data_too_large])


@pytest.fixture
def in_process_requests():  # type: ignore[no-untyped-def]
    """Keep the test's database transaction open across in-process WSGI calls (as Django's test client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def admin_headers(personas, est_a, in_process_requests) -> dict[str, str]:  # type: ignore[no-untyped-def]
    from khuyencong.accounts.models import TokenScope
    from khuyencong.accounts.tokens import token_issue

    # An administrator's account needs a second factor: only an explicitly issued token works for it.
    _token, key = token_issue(actor=None, user=personas["province_admin"], scope=TokenScope.READ_WRITE,
                              second_factor_waived=True)
    return {"Authorization": f"Token {key}"}


@schema.parametrize()
@FUZZ
def test_operations_never_fail_as_admin(case, admin_headers) -> None:  # type: ignore[no-untyped-def]
    case.call_and_validate(headers=admin_headers, checks=[not_a_server_error, response_schema_conformance])


@schema.parametrize()
@settings(max_examples=3, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_operations_refuse_anonymous_callers(case, db, in_process_requests) -> None:  # type: ignore[no-untyped-def]
    response = case.call()
    assert response.status_code in (400, 401, 403, 404, 405), (case.method, case.formatted_path,
                                                               response.status_code)
