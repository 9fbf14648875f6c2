"""Query counting for list pages: the number of queries must not depend on the number of rows."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def count_queries(client: Client, url: str, params: Mapping[str, Any] | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.status_code
    return len(captured.captured_queries)


def assert_constant_queries(client: Client, url: str, grow: Callable[[], None], *, at_most: int,
                            params: Mapping[str, Any] | None = None) -> int:
    """Count the page's queries, add rows with ``grow``, count again: the two must be equal and small.

    The first request is a warm-up (session, user and cached reference data load once per client).
    """
    client.get(url, params or {})
    before = count_queries(client, url, params)
    grow()
    after = count_queries(client, url, params)
    assert before == after, f"{url}: {before} queries with few rows, {after} with more"
    assert after <= at_most, f"{url}: {after} queries, expected at most {at_most}"
    return after
