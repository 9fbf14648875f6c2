"""Prometheus metrics (django-prometheus), readable only by the monitoring system.

A scraper presents ``Authorization: Bearer <METRICS_TOKEN>``. Without a configured token, production
answers nobody (behind a reverse proxy every request comes from loopback, so the address proves
nothing) and other environments answer only loopback requests.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django_prometheus.exports import ExportToDjangoView


def _authorised(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(given.encode(), token.encode())
    if settings.IS_PRODUCTION:
        return False
    return request.META.get("REMOTE_ADDR") in {"127.0.0.1", "::1"}


def metrics(request: HttpRequest) -> HttpResponse:
    if not _authorised(request):
        return HttpResponseForbidden("metrics: forbidden")
    return ExportToDjangoView(request)
