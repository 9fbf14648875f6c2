"""Files never stay in a cache: every download answers ``Cache-Control: no-store``.

Exports, reports, import files and data-subject exports hold personal data or figures meant for one
signed-in user; a shared proxy or the browser's disk cache must not keep a copy (OWASP ASVS V8.2.1).
One rule for every response that is a download (``Content-Disposition``), so a new export cannot
forget it. Pages showing personal data in full mark themselves with ``never_cache``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class NoStoreDownloadsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.has_header("Content-Disposition"):
            add_never_cache_headers(response)
        return response
