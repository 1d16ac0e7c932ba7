"""Callbacks waiting for answers another process works out (server.processing: separate).

The serving process only stores and acknowledges; the processing process answers the stored rows. A
callback may still carry the answer if it comes within the reply budget: one poller per event loop
reads every awaited row's state in one query every POLL_S, however many callbacks wait, instead of a
query per callback.
"""
import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from bot.inbound import inbox
from models import InboxMessage

log = logging.getLogger(__name__)
POLL_S = 0.04


class Answers:
    """`await finished(inbox_id, timeout)`: the row once done or failed, or None when the time is up."""

    def __init__(self, engine, loop: asyncio.AbstractEventLoop):
        self.engine, self.loop = engine, loop
        self._waiting: dict[int, list[asyncio.Future]] = {}
        self._poller: asyncio.Task | None = None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inbox-answers")

    async def finished(self, inbox_id: int, timeout: float) -> InboxMessage | None:
        future = self.loop.create_future()
        self._waiting.setdefault(inbox_id, []).append(future)
        if self._poller is None or self._poller.done():
            self._poller = self.loop.create_task(self._poll())
        try:
            return await asyncio.wait_for(future, timeout)
        except asyncio.TimeoutError:
            return None
        finally:
            waiters = self._waiting.get(inbox_id, [])
            if future in waiters:
                waiters.remove(future)
            if not waiters:
                self._waiting.pop(inbox_id, None)

    async def _poll(self) -> None:
        while self._waiting:
            await asyncio.sleep(POLL_S)
            ids = list(self._waiting)
            if not ids:
                break
            try:
                rows = await self.loop.run_in_executor(self._pool, inbox.finished_among, self.engine, ids)
            except Exception:  # noqa: BLE001 - the store is down: the callbacks time out and answer "success"
                log.exception("reading awaited answers failed", extra={"count": len(ids)})
                continue
            for row in rows:
                for future in self._waiting.pop(row.id, []):
                    if not future.done():
                        future.set_result(row)

    def close(self) -> None:
        self._pool.shutdown(wait=False)
