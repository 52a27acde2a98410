"""Rendered page fragments kept in the cache (Redis in production), keyed on what they show.

A fragment's key holds the school's *data version*: a random token kept in the cache and
replaced by `school_pages_changed(school_id)` whenever something a cached page of that school
shows may have changed (predictions, scoring and training runs, model versions, students,
classes, attendance summaries, interventions, referrals, feedback). Services call it after
their bulk writes; single-row saves of those models call it through the receivers in
`smk_dashboard.pages.page_cache_receivers`. A replaced token makes every fragment of the
school unreachable at once (they then expire by their TTL). The TTL is the last safety net:
a write that no code path reports is shown at most `ttl` seconds late.

The cache is a speed-up, never a source of truth: when it cannot be reached, pages render as
if nothing was cached.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Iterable
from functools import partial

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

PREFIX = "pagecache"


def _version_key(school_id: int) -> str:
    return f"{PREFIX}:school:{school_id}:version"


def _replace_version(school_id: int) -> None:
    try:
        cache.set(_version_key(school_id), uuid.uuid4().hex, timeout=None)
    except Exception:  # an unreachable cache must not fail a write
        logger.warning("page cache: could not replace the version of school %s", school_id)


def school_pages_changed(school_id: int | None) -> None:
    """Make every cached fragment of the school stale. Called now (a later read in the same
    transaction must not see the old fragment) and again after the commit (a read between the
    two may have cached data from before the commit under the first new token)."""
    if school_id is None:
        return
    _replace_version(school_id)
    transaction.on_commit(partial(_replace_version, school_id))


def schools_pages_changed(school_ids: Iterable[int | None]) -> None:
    for school_id in set(school_ids):
        school_pages_changed(school_id)


def school_version(school_id: int) -> str | None:
    """The school's current data version (created on first use); None without a cache."""
    key = _version_key(school_id)
    try:
        token = cache.get(key)
        if token is None:
            cache.add(key, uuid.uuid4().hex, timeout=None)
            token = cache.get(key)
    except Exception:
        logger.warning("page cache unreachable; rendering without it")
        return None
    return token


def fragment_key(name: str, school_id: int, version: str, parts: dict) -> str:
    """The key of one fragment: page name, school, data version and a digest of everything
    else that changes what the fragment shows (scope, filters, language, date)."""
    digest = hashlib.sha256(
        json.dumps(parts, sort_keys=True, default=str).encode("utf-8")
    ).hexdigest()[:32]
    return f"{PREFIX}:{name}:{school_id}:{version}:{digest}"


def fragment_get(key: str):
    try:
        return cache.get(key)
    except Exception:
        logger.warning("page cache unreachable; rendering without it")
        return None


def fragment_set(key: str, value, ttl: int) -> None:
    try:
        cache.set(key, value, timeout=ttl)
    except Exception:
        logger.warning("page cache unreachable; fragment not stored")


def is_page_cache_callback(callback) -> bool:
    """Whether an on-commit callback is this module's (tests that count the tasks a request
    queues after commit leave these out)."""
    return getattr(callback, "func", None) is _replace_version
