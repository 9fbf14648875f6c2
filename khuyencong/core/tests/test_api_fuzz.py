"""Property-based fuzzing of the whole OpenAPI schema (schemathesis): no 5xx, answers as documented.

Every operation of the published schema is called with generated parameters and bodies, the cases
going in turn to three roles with a token (province administrator: everything; commune officer: one
area; establishment representative: one establishment), and anonymously. The app must answer every call without a server
error and with a body that matches the schema the operation publishes for that status
(``response_schema_conformance``), and must refuse the anonymous calls.

``status_code_conformance`` is not enabled: the schema documents only the success answers, so every
validation error (400), refusal (403) and unknown id (404) would count as a failure. The permission
matrices (test_permission_matrix.py, test_write_matrix.py) pin the status of each role instead.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from khuyencong.core.tests.schema_check import RAW

schema = schemathesis.openapi.from_dict(RAW)
schema.app = get_wsgi_application()
# The generated cases of an operation (schemathesis' coverage cases and hypothesis examples) go to the
# three roles in turn, so all three are exercised for about the cost of the administrator alone (CI runs
# this on both databases); sending every case as every role tripled the run time.
FUZZ = settings(max_examples=8, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.filter_too_much, HealthCheck.data_too_large])
ROLES = ["province_admin", "commune_officer_a", "establishment_rep"]


@pytest.fixture
def in_process_requests():  # type: ignore[no-untyped-def]
    """Keep the test's database transaction open across in-process WSGI calls (as Django's test client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def role_headers(personas, est_a, in_process_requests) -> Iterator[tuple[str, dict[str, str]]]:  # type: ignore[no-untyped-def]
    """An endless round of (role, token header) over ROLES, one per generated case."""
    from khuyencong.accounts.models import TokenScope
    from khuyencong.accounts.tokens import token_issue

    # An administrator's account needs a second factor: only an explicitly issued token works for it.
    keys = {role: token_issue(actor=None, user=personas[role], scope=TokenScope.READ_WRITE,
                              second_factor_waived=True)[1] for role in ROLES}
    return itertools.cycle([(role, {"Authorization": f"Token {key}"}) for role, key in keys.items()])


@schema.parametrize()
@FUZZ
def test_operations_never_fail_and_answer_as_documented(case, role_headers) -> None:  # type: ignore[no-untyped-def]
    role, headers = next(role_headers)
    try:
        case.call_and_validate(headers=headers, checks=[not_a_server_error, response_schema_conformance])
    except Exception as exc:
        exc.add_note(f"called as {role}")
        raise


@schema.parametrize()
@settings(max_examples=3, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_operations_refuse_anonymous_callers(case, db, in_process_requests) -> None:  # type: ignore[no-untyped-def]
    response = case.call()
    assert response.status_code in (400, 401, 403, 404, 405), (case.method, case.formatted_path,
                                                               response.status_code)
