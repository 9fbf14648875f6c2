"""The published OpenAPI schema, loaded once for the cross-app API suites, and a check of real answers against it.

The permission matrix (reads and writes) passes every answer it receives through
:func:`assert_matches_schema`, so an endpoint whose JSON differs from what the schema promises (a
plain array where a paginated object is documented, a missing or null field) fails there with real
records, not only under fuzzing.
"""

from __future__ import annotations

import json
from typing import Any

import requests
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from schemathesis.core.transport import Response as SchemathesisResponse

RAW: dict[str, Any] = json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))
SCHEMA = schemathesis.openapi.from_dict(RAW)
METHODS = ("get", "post", "put", "patch", "delete")


def operations(*methods: str) -> list[tuple[str, str]]:
    """Every (path template, method) of the schema, restricted to ``methods`` when given."""
    wanted = methods or METHODS
    return [(path, method) for path, ops in RAW["paths"].items() for method in ops if method in wanted]


def body(response: Any) -> bytes:
    """The answer's bytes; a streamed answer (file download) is read once and kept for the next reader."""
    if not response.streaming:
        return bytes(response.content)
    content = b"".join(response.streaming_content)
    response.streaming_content = [content]
    return content


def _as_schemathesis(response: Any, method: str, url: str) -> SchemathesisResponse:
    content = body(response)
    headers = {name: [value] for name, value in response.headers.items()}
    return SchemathesisResponse(status_code=response.status_code, headers=headers, content=content,
                                request=requests.Request(method=method.upper(), url=f"http://testserver{url}").prepare(),
                                elapsed=0.0, verify=False, encoding="utf-8")


def assert_matches_schema(path: str, method: str, url: str, response: Any) -> None:
    """Fail when the answer's status is documented for the operation and its body does not match that schema."""
    SCHEMA[path][method.upper()].validate_response(_as_schemathesis(response, method, url))
