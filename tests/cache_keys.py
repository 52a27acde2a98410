"""Emptying the cache in tests without FLUSHDB: Django's `cache.clear()` on Redis empties the
whole database, which the Celery broker of a running test worker shares. Only the keys of this
test run (its CACHE_KEY_PREFIX, tests/settings.py) are deleted."""

from django.conf import settings
from django.core.cache import cache

from smk_dashboard.core.page_cache import is_page_cache_callback


def clear_test_cache() -> None:
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    try:
        client = cache._cache.get_client(write=True)
    except AttributeError:  # not the Redis backend (a test that swapped it)
        cache.clear()
        return
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


def task_callbacks(callbacks) -> list:
    """The on-commit callbacks of a `django_capture_on_commit_callbacks` block other than
    the page cache's own (smk_dashboard/core/page_cache.py), which every write of what a
    cached page shows adds."""
    return [c for c in callbacks if not is_page_cache_callback(c)]
