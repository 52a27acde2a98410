"""Rendered page fragments kept in the cache (Redis in production), keyed on what they show.

A fragment is stored with the school's *data version* read before it was rendered: a random
token kept in the cache and replaced by `school_pages_changed(school_id)` whenever something
a cached page of that school shows may have changed (predictions, scoring and training runs,
model versions, students, classes, attendance summaries, interventions, referrals, feedback).
Services call it after their bulk writes; single-row saves of those models call it through
the receivers in `smk_dashboard.pages.page_cache_receivers`. A replaced token makes every
fragment of the school stale at once (`fragment_get` compares the tokens; old fragments expire
by their TTL). The TTL is the last safety net: a write that no code path reports is shown at
most `ttl` seconds late.

The cache is a speed-up, never a source of truth: when it cannot be reached, pages render as
if nothing was cached.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
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


def fragment_key(name: str, school_id: int, parts: dict) -> str:
    """The key of one fragment: page name, school and a digest of everything else that
    changes what the fragment shows (scope, filters, language, date). The school's data
    version is stored with the fragment and compared on reading (`fragment_get`), so one
    round trip to the cache reads both."""
    digest = hashlib.sha256(
        json.dumps(parts, sort_keys=True, default=str).encode("utf-8")
    ).hexdigest()[:32]
    return f"{PREFIX}:{name}:{school_id}:{digest}"


class Fragment:
    """What `fragment_get` found: `value` when it is still valid, and the school's current
    data version to store a fresh value under (None: no cache, do not store)."""

    def __init__(self, value, version: str | None) -> None:
        self.value, self.version = value, version


def fragment_get(key: str, school_id: int, *, version: str | None = None) -> Fragment:
    """The fragment stored under `key` if it was stored under the school's current data
    version, else None. One round trip: the version and the fragment together, or only the
    fragment when the caller read the `version` already in this request."""
    version_key = _version_key(school_id)
    try:
        found = cache.get_many([key] if version else [version_key, key])
    except Exception:
        logger.warning("page cache unreachable; rendering without it")
        return Fragment(None, None)
    version = version or found.get(version_key) or school_version(school_id)
    stored = found.get(key)
    if version is not None and stored is not None and stored.get("version") == version:
        return Fragment(stored["value"], version)
    return Fragment(None, version)


def fragment_set(key: str, value, *, version: str | None, ttl: int) -> None:
    """Store `value` as valid for the school's data `version` (read before rendering it, so
    a change made while it rendered makes it stale at once)."""
    if version is None or ttl <= 0:
        return
    try:
        cache.set(key, {"version": version, "value": value}, timeout=ttl)
    except Exception:
        logger.warning("page cache unreachable; fragment not stored")


def render_once(key: str, school_id: int, version: str | None, render, *, wait: float = 3.0):
    """`render()`'s value for `key` (render stores it), computed by one request at a time:
    when many ask for a fragment that just went stale (a new scoring, an expired entry), the
    first renders it and the others wait for it (up to `wait` seconds, then render themselves)
    instead of all rendering the same list at once."""
    if version is None:
        return render()
    lock = f"{key}:rendering:{version}"
    try:
        mine = cache.add(lock, 1, timeout=max(int(wait) * 3, 10))
    except Exception:
        return render()
    if not mine:
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            time.sleep(0.025)
            found = fragment_get(key, school_id, version=version)
            if found.value is not None:
                return found.value
    try:
        return render()
    finally:
        if mine:
            try:
                cache.delete(lock)
            except Exception:
                logger.warning("page cache: could not release %s", lock)


def is_page_cache_callback(callback) -> bool:
    """Whether an on-commit callback is this module's (tests that count the tasks a request
    queues after commit leave these out)."""
    return getattr(callback, "func", None) is _replace_version


def school_value(name: str, school_id: int | None, compute, *, ttl: int = 600):
    """`compute()`'s value, kept per school until the school's data changes (the same version
    token as the fragments) or `ttl` seconds pass: for what many pages of one school read on
    every request and that changes rarely (the active model, the point thresholds)."""
    if school_id is None:
        return compute()
    key = f"{PREFIX}:value:{name}:{school_id}"
    found = fragment_get(key, school_id)
    if found.value is not None:
        return found.value["v"]
    value = compute()
    # Wrapped, so that a None value is cached too.
    fragment_set(key, {"v": value}, version=found.version, ttl=ttl)
    return value
