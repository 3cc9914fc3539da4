"""A fixed-window request counter per client IP, kept in the cache (shared between processes when
the cache is Redis): `too_many(request, "signup", limit=10, window=3600)` counts this request and
says whether the client went over the limit in the current window."""

from __future__ import annotations

import time

from django.core.cache import cache

from evize.audit.context import client_ip


def too_many(request, scope: str, *, limit: int, window: int = 60) -> bool:
    if limit <= 0:
        return False
    slot = int(time.time()) // window
    key = f"evize:rate:{scope}:{client_ip(request) or 'unknown'}:{slot}"
    cache.add(key, 0, timeout=window * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=window * 2)
        count = 1
    return count > limit
