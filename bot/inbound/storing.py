"""Store callbacks' messages in groups: one transaction for all that came in while the last was written.

Under load the commits are the ceiling (one SQLite writer; a PostgreSQL round trip and WAL flush
each), not the inserts. A message waits only for the write already in progress, never for a
timer: at low load each one is written alone, at once. If a group fails, its messages are tried
one by one, so one bad row cannot cost the others their place.
"""
import asyncio
import logging
from concurrent.futures import Executor

from bot.inbound import inbox
from bot.inbound.incoming import Incoming
from bot.inbound.nonces import Seen
from core.privacy import Privacy

log = logging.getLogger(__name__)
MAX_GROUP = 100


class GroupStore:
    """`await store(msg, now, claimer, query)` -> (row, created), as inbox.store_many, for one event loop."""

    def __init__(self, engine, privacy: Privacy, pool: Executor, loop: asyncio.AbstractEventLoop):
        self.engine, self.privacy, self.pool, self.loop = engine, privacy, pool, loop
        self._waiting: list[tuple[tuple, bool, asyncio.Future]] = []
        self._writer: asyncio.Task | None = None

    async def store(self, msg: Incoming, now, claimer: str | None, query: Seen | None = None, awaited: bool = False):
        """Queue the message (and the callback query it came with) for the next group write; wait for its row.
        `awaited`: the callback waits for another process's answer (inbox.store_many)."""
        future = self.loop.create_future()
        self._waiting.append(((msg, now, claimer, query), awaited, future))
        if self._writer is None or self._writer.done():
            self._writer = self.loop.create_task(self._write_all())
        return await future

    async def _write_all(self) -> None:
        while self._waiting:
            group, self._waiting = self._waiting[:MAX_GROUP], self._waiting[MAX_GROUP:]
            try:
                results = await self.loop.run_in_executor(self.pool, inbox.store_many, self.engine, self.privacy,
                                                          [item for item, _, _ in group], [a for _, a, _ in group])
            except Exception as exc:  # noqa: BLE001 - each message then gets its own try and its own error
                if len(group) == 1:
                    _settle(group[0][2], error=exc)
                    continue
                log.warning("storing a group failed; storing one by one", extra={"count": len(group)})
                for item, awaited, future in group:
                    try:
                        _settle(future, (await self.loop.run_in_executor(
                            self.pool, inbox.store_many, self.engine, self.privacy, [item], [awaited]))[0])
                    except Exception as one:  # noqa: BLE001 - answered 503 by the caller
                        _settle(future, error=one)
                continue
            for (_, _, future), result in zip(group, results):
                _settle(future, result)


def _settle(future: asyncio.Future, result=None, error: Exception | None = None) -> None:
    if future.done():  # the callback gave up waiting (client gone)
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)
