"""A fixed-window counter per user and action, kept in Django's cache (issue 21: ID lookups).

The window is one minute. With the default local-memory cache every worker process counts on its
own; a shared cache (``CACHES`` pointing at Redis or the database) makes the limit exact.
"""

from __future__ import annotations

import time

from django.core.cache import cache

WINDOW_SECONDS = 60


def allow(action: str, user_id: int | None, limit: int) -> bool:
    """Count one attempt; False once ``limit`` attempts were made in the current window."""
    window = int(time.time() // WINDOW_SECONDS)
    key = f"ratelimit:{action}:{user_id}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr: count this attempt as the first one
        cache.set(key, 1, timeout=WINDOW_SECONDS * 2)
        count = 1
    return count <= limit
