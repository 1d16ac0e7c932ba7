"""Callbacks waiting for answers another process works out (server.processing: separate).

The serving process only stores and acknowledges; the processing process answers the stored rows. A
callback may still carry the answer if it comes within the reply budget: one poller per event loop
reads every awaited row's state in one query every POLL_S, however many callbacks wait, instead of a
query per callback. With it, it counts the messages not yet answered: while the processing process has
more than BEHIND of them, no callback waits (each answers at once, its answer goes out through the
outbox), or every acknowledgement would take the whole budget.

Who gives a waited-for answer is decided on the row: stored `awaited`, the processing process leaves
the answer to the callback (inbox.finish); a callback that stops waiting takes the mark off, unless
the row was finished first, in one conditional UPDATE (release), so exactly one of them gives it.
"""
import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, update
from sqlmodel import select

from bot.inbound.inbox import AWAITED
from models import InboxMessage
from models.store import make_reader, session

log = logging.getLogger(__name__)
POLL_S = 0.04
BEHIND = 16  # messages not yet answered: more than the processing process gets through in a few claims
OPEN = ("new", "processing")


class Answers:
    """`await finished(inbox_id, timeout)`: the row once done or failed, or None when the time is up or the
    processing process has fallen behind; `behind`: whether a callback should wait at all."""

    def __init__(self, engine, loop: asyncio.AbstractEventLoop):
        # what it polls is read from the last commit: on SQLite without taking the write lock every POLL_S
        self.reader, self.loop = make_reader(engine), loop
        self._own_reader = self.reader is not engine
        self.behind = False
        self._waiting: dict[int, list[asyncio.Future]] = {}
        self._poller: asyncio.Task | None = None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inbox-answers")

    async def finished(self, inbox_id: int, timeout: float) -> InboxMessage | None:
        future = self.loop.create_future()
        self._waiting.setdefault(inbox_id, []).append(future)
        self._keep_polling()
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

    def _keep_polling(self) -> None:
        if self._poller is None or self._poller.done():
            self._poller = self.loop.create_task(self._poll())

    async def _poll(self) -> None:
        while self._waiting or self.behind:  # behind: on until it has caught up, though nobody waits
            await asyncio.sleep(POLL_S)
            ids = list(self._waiting)
            try:
                rows, unanswered = await self.loop.run_in_executor(self._pool, _state, self.reader, ids)
            except Exception:  # noqa: BLE001 - the store is down: the callbacks time out and answer "success"
                log.exception("reading awaited answers failed", extra={"count": len(ids)})
                continue
            self.behind = unanswered > BEHIND
            for row in rows:
                self._settle(row.id, row)
            if self.behind:  # the rest would wait the whole budget: they answer now, the outbox later
                for inbox_id in list(self._waiting):
                    self._settle(inbox_id, None)

    def _settle(self, inbox_id: int, row: InboxMessage | None) -> None:
        for future in self._waiting.pop(inbox_id, []):
            if not future.done():
                future.set_result(row)

    def close(self) -> None:
        self._pool.shutdown(wait=False)
        if self._own_reader:
            self.reader.dispose()


def _state(engine, inbox_ids: list[int]) -> tuple[list[InboxMessage], int]:
    """Those of the messages that are done or failed, and how many messages are not yet answered (up to
    BEHIND + 1)."""
    with session(engine) as db:
        rows = list(db.exec(select(InboxMessage).where(InboxMessage.id.in_(inbox_ids),
                                                       InboxMessage.status.in_(("done", "failed"))))) if inbox_ids else []
        open_rows = select(InboxMessage.id).where(InboxMessage.status.in_(OPEN)).limit(BEHIND + 1).subquery()
        unanswered = db.exec(select(func.count()).select_from(open_rows)).one()  # counted only as far as needed
    return rows, unanswered


def release(engine, row: InboxMessage) -> bool:
    """The callback stops waiting for this message's answer: True if it is still unanswered, and whoever
    finishes it sends the answer itself; False if it was finished first (its reply is there to give).
    The row's lock orders this UPDATE and inbox.finish's."""
    payload = {k: v for k, v in (row.payload or {}).items() if k != AWAITED}
    table = InboxMessage.__table__
    with session(engine) as db:
        released = db.connection().execute(update(table).where(table.c.id == row.id, table.c.status.in_(OPEN))
                                           .values(payload=payload)).rowcount
        db.commit()
    return bool(released)
