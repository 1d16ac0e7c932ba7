"""access_token shared by every instance through the database, so they don't invalidate each other."""
import asyncio
from concurrent.futures import Executor
from datetime import datetime, timedelta

from sqlmodel import select

from core.clock import utc
from core.pools import in_thread
from models import SharedValue
from models.store import session

EARLY = timedelta(minutes=5)  # refresh before expiry; WeChat keeps the old token valid a short while
# A token read from the store is used this long without reading it again (not a transaction per message
# sent); another instance's refresh still reaches this one well inside the 5 minutes WeChat keeps the old
# token valid, and a token WeChat refuses is forgotten here at once.
HOLD = timedelta(seconds=30)


class TokenCache:
    """Read the shared token; refresh it (once, under a row lock on PostgreSQL) when missing or old."""

    def __init__(self, engine, clock, executor: Executor | None = None):
        self.engine, self.clock, self.executor = engine, clock, executor  # executor: the outbox lane's threads
        self._locks: dict[str, asyncio.Lock] = {}
        self._held: dict[str, tuple[str, datetime]] = {}  # name -> (token, until when it is used unread)

    async def get(self, name: str, fetch) -> str:
        """A valid token for `name`; `fetch()` is awaited only if none is stored."""
        held = self._held.get(name)
        if held and held[1] > self.clock.now():
            return held[0]
        cached = await in_thread(self.executor, self._read, name)
        if cached:
            return cached
        async with self._locks.setdefault(name, asyncio.Lock()):
            cached = await in_thread(self.executor, self._read, name)
            if cached:
                return cached
            token, lifetime = await fetch()
            await in_thread(self.executor, self._write, name, token, self.clock.now() + timedelta(seconds=lifetime))
            return token

    async def invalidate(self, name: str, token: str) -> None:
        """Forget the token WeChat just refused (only if it is still the stored one)."""
        self._held.pop(name, None)
        await in_thread(self.executor, self._forget, name, token)

    def _read(self, name: str) -> str | None:
        with session(self.engine) as db:
            row = db.get(SharedValue, f"token:{name}")
        if row and row.expires_at and utc(row.expires_at) - EARLY > self.clock.now():
            self._hold(name, row.value, utc(row.expires_at))
            return row.value
        return None

    def _hold(self, name: str, token: str, expires_at: datetime) -> None:
        self._held[name] = (token, min(self.clock.now() + HOLD, expires_at - EARLY))

    def _write(self, name: str, token: str, expires_at: datetime) -> None:
        with session(self.engine) as db:
            row = db.exec(select(SharedValue).where(SharedValue.key == f"token:{name}").with_for_update()).first()
            row = row or SharedValue(key=f"token:{name}", value="")
            row.value, row.expires_at, row.updated_at = token, expires_at, self.clock.now()
            db.add(row)
            db.commit()
        self._hold(name, token, expires_at)

    def _forget(self, name: str, token: str) -> None:
        with session(self.engine) as db:
            row = db.get(SharedValue, f"token:{name}")
            if row and row.value == token:
                db.delete(row)
                db.commit()
