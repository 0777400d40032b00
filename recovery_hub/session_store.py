"""Django's database sessions, refusing a session cookie that could not be looked up.

A cookie's quoted value may carry octal escapes (`sessionid="abcdefgh\\000"`), which Django
unquotes into a NUL character; the database backend would then query PostgreSQL with it and
answer 500 on every page. Such a key is treated as no session at all, like any unknown key.
"""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

from core.api_classes import has_unstorable


class SessionStore(DatabaseSessionStore):
    def _validate_session_key(self, key: str | None) -> bool:
        return bool(super()._validate_session_key(key)) and not has_unstorable(key or "")
