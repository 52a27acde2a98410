"""Session storage: the database keeps every session, the cache (Redis) answers most reads.

Every signed-in page reads its session; with the plain database engine that was one query
per answer, a third of the queries of a cached risk-list page. This engine is Django's
`cached_db` with two changes:

- the cache is a speed-up, never required: a cache that cannot be reached is logged and the
  database answers (Django's engine fails the page, or the login, when it cannot copy a
  session into the cache or delete one from it);
- a session stays in the cache at most `SESSION_CACHE_SECONDS` (60 s), then is read from the
  database again. So a session ended while the cache could not be reached (a logout, or the
  old key of a login) and still held there cannot be used for more than that long once the
  cache is back.
"""

import logging

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbStore
from django.contrib.sessions.backends.db import SessionStore as DbStore

logger = logging.getLogger(__name__)

SESSION_CACHE_SECONDS = 60


class SessionStore(CachedDbStore):
    def _cache_timeout(self, **kwargs) -> int:
        return min(SESSION_CACHE_SECONDS, self.get_expiry_age(**kwargs))

    def load(self) -> dict:
        try:
            data = self._cache.get(self.cache_key)
        except Exception:
            logger.warning("session cache unreachable; reading the session from the database")
            data = None
        if data is not None:
            return data
        stored = self._get_session_from_db()
        if not stored:
            return {}
        data = self.decode(stored.session_data)
        try:
            self._cache.set(self.cache_key, data, self._cache_timeout(expiry=stored.expire_date))
        except Exception:
            logger.warning("session cache unreachable; session not copied into it")
        return data

    def exists(self, session_key: str) -> bool:
        try:
            if (self.cache_key_prefix + session_key) in self._cache:
                return True
        except Exception:
            logger.warning("session cache unreachable; asking the database")
        return DbStore.exists(self, session_key)

    def save(self, must_create: bool = False) -> None:
        DbStore.save(self, must_create)
        try:
            self._cache.set(self.cache_key, self._session, self._cache_timeout())
        except Exception:
            logger.warning("session cache unreachable; session saved in the database only")

    def delete(self, session_key: str | None = None) -> None:
        key = session_key or self.session_key
        DbStore.delete(self, session_key)
        if key is None:
            return
        try:
            self._cache.delete(self.cache_key_prefix + key)
        except Exception:
            logger.error(
                "session cache unreachable: a session was deleted from the database only; "
                "its cached copy expires within %s s",
                SESSION_CACHE_SECONDS,
            )
