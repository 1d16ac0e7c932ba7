"""The outbox sender: claim due rows, deliver, retry with backoff and jitter, give up loudly."""
import asyncio
import logging
import random
import time
from concurrent.futures import Executor
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, update
from sqlmodel import select

from bot.outbound import card_updates
from bot.outbound.limits import RATE_LIMITED, held_until, hold_back
from bot.outbound.outcomes import finish
from bot.outbound.recipients import address_of
from bot.outbound.transports import Address, Transports
from bot.outbound.wechat_api import NO_ANSWER, UNREACHABLE_ERRORS, ApiError
from core.faults import crash_point
from core.pools import in_thread
from models import Outbox, outbox
from models.rows import claim_rows
from models.store import one_statement, session

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=60)
# Recipients served at once. One recipient's messages go one after another, in order; a slow
# answer for one (WeChat takes up to the 10 s timeout) does not hold up the others.
PARALLEL = 8
MAX_ATTEMPTS = 8
# A message whose send was cut off twice is not tried a third time: it may be there twice already.
DOUBTFUL = "发送两次中断，可能已送达，不再重发 / cut off mid-send twice, may be delivered: not resent"
# Outside demo mode a row whose audience has no configured transport goes nowhere, and says so.
NO_CHANNEL = "no channel: 没有能送达的渠道（对应的微信凭据未配置），未发送"


class Sender:
    """One ticker step: deliver what is due in the outbox."""

    def __init__(self, ctx, transports: Transports, batch: int = 50, rng: random.Random | None = None,
                 executor: Executor | None = None):
        self.ctx, self.transports, self.batch = ctx, transports, batch
        self.rng = rng or random.Random()
        self.executor = executor  # the outbox lane's threads (core/ticker.py), so page traffic cannot hold it up

    async def step(self, now: datetime) -> int:
        """Deliver up to `batch` due messages; return how many were sent."""
        engine = self.ctx.engine
        due = or_(and_(Outbox.status == "pending", Outbox.next_attempt_at <= now),
                  and_(Outbox.status == "sending", Outbox.lease_until < now))
        ids = await in_thread(self.executor, claim_rows, engine, Outbox, due,
                                      dict(status="sending", lease_until=now + LEASE, attempts=Outbox.attempts + 1),
                                      (Outbox.next_attempt_at, Outbox.id), self.batch)
        if not ids:
            return 0
        crash_point("outbox.claimed")
        queues = await in_thread(self.executor, self._by_recipient, ids)
        gate, give_back_at = asyncio.Semaphore(PARALLEL), time.monotonic() + LEASE.total_seconds() / 2

        async def drain(queue: list[int]) -> int:
            async with gate:
                return await self._drain(queue, now, give_back_at)
        return sum(await asyncio.gather(*(drain(q) for q in queues)))

    async def _drain(self, queue: list[int], now: datetime, give_back_at: float) -> int:
        """One recipient's rows, in order. A send's outcome is written in the transaction that prepares the
        next row (as soon as before, one transaction fewer), and rows the recipient's limit holds back, or
        given up as doubtful, are settled on the way without one of their own."""
        sent, outcome, rest = 0, None, list(queue)
        # the recipient, looked up once for the queue; not kept past this claim, as an address can change
        people: dict = {}
        while rest or outcome:
            if rest and time.monotonic() > give_back_at:  # a slow API: hand the rest back before the lease ends
                await in_thread(self.executor, self._give_back, rest, outcome)
                return sent
            found = await in_thread(self.executor, self._settle_and_prepare, outcome, rest, now, people)
            outcome = None
            if found is None:
                return sent
            row, address, verdict, rest = found
            if verdict == "update":
                sent += await self._update_card(row, address, now)
            elif address is None:
                await in_thread(self.executor, self._failed, row, NO_CHANNEL, now)
            else:
                outcome = await self._send(row, address, now)
                sent += outcome is not None
        return sent

    def _by_recipient(self, ids: list[int]) -> list[list[int]]:
        """The claimed rows, one queue per recipient in the order they were written."""
        with session(self.ctx.engine) as db:
            rows = db.exec(select(Outbox.id, Outbox.channel, Outbox.recipient).where(Outbox.id.in_(ids))
                           .order_by(Outbox.id)).all()
        queues: dict[tuple[str, str], list[int]] = {}
        for row_id, channel, recipient in rows:
            queues.setdefault((channel, recipient), []).append(row_id)
        return list(queues.values())

    def _give_back(self, row_ids: list[int], outcome: dict | None) -> None:
        with session(self.ctx.engine) as db:
            if outcome:
                finish(db.connection(), **outcome)
            db.exec(update(Outbox).where(Outbox.id.in_(row_ids), Outbox.status == "sending")
                    .values(status="pending", lease_until=None, attempts=Outbox.attempts - 1))
            db.commit()

    async def _send(self, row: Outbox, address: Address, now: datetime) -> dict | None:
        """Deliver one prepared row; its outcome (for _finish) if WeChat took it, else None (retry or give up)."""
        try:
            answer, via = await self.transports.send(address, row.msg_type, outbox.as_delivered(self.ctx.privacy, row.payload),
                                                     row.idem_key, row.task_id)
        except ApiError as error:
            await in_thread(self.executor, self._failed, row, error, now)
            return None
        crash_point("outbox.sent")
        self._count(address.transport, "sent")
        on_demo_page = address.transport == "demo"  # what the demo's feeds may show (demo/scope.py)
        return dict(row_id=row.id, status="sent", retry_at=None, error=None, sent_at=now,
                    response_code=answer.get("response_code"), delivered_as=via,
                    payload=row.payload | outbox.VIA_DEMO if on_demo_page else None)

    async def _update_card(self, row: Outbox, address: Address, now: datetime) -> int:
        """Retire a card's buttons (bot/outbound/card_updates.py); a refusal is final and alarms nobody."""
        engine = self.ctx.engine
        plan = await in_thread(self.executor, card_updates.plan, engine, row, address.transport == "demo", now)
        if plan.verdict == "wait":
            await in_thread(self.executor, card_updates.wait, engine, row.id, now)
            return 0
        code = plan.code
        try:
            if code:
                await self.transports.update_card(address, code, row.payload["replace"])
        except ApiError as error:
            if error.transient and row.attempts < MAX_ATTEMPTS:
                await in_thread(self.executor, self._failed, row, error, now)
                return 0
            plan = card_updates.Plan("give_up", why=f"企业微信拒绝更新卡片：{error}")
        if code:  # used or refused: WeCom takes a code once
            await in_thread(self.executor, card_updates.spend, engine, row)
        status = "sent" if plan.verdict == "send" else "failed"
        await in_thread(self.executor, self._finish, row.id, status, None, plan.why or None, now if status == "sent" else None)
        self._count(address.transport, "card_updated" if status == "sent" else "card_not_updated")
        return int(status == "sent")

    def _settle_and_prepare(self, outcome: dict | None, queue: list[int], now: datetime, people: dict
                            ) -> tuple[Outbox, Address | None, str, list[int]] | None:
        """Write the last send's outcome, then prepare the queue's next row to deliver: (row, where it goes or
        None, "send" or "update" (a card update, decided by bot/outbound/card_updates.py), the rows after it);
        None when no row is left to deliver."""
        try:
            with session(self.ctx.engine) as db:
                if outcome:
                    finish(db.connection(), **outcome)
                found = self._next_to_deliver(db, queue, now, people)
                db.commit()
        except Exception:
            if outcome:  # the message went out: its outcome is kept whatever trouble the next row brings
                self._finish(**outcome)
            raise
        return found

    def _next_to_deliver(self, db, queue: list[int], now: datetime, people: dict):
        until = None  # once the recipient has had all WeChat allows for now, so has every row after
        rest = list(queue)
        while rest:
            row_id, rest = rest[0], rest[1:]
            row = db.get(Outbox, row_id)
            address = address_of(db, row, self.transports, now, people)
            if address is None or row.msg_type == "card_update":  # no message to rate-limit, a repeat is harmless
                return row, address, "update" if address else "send", rest
            if row.send_started_at is not None:
                if row.ambiguous:  # the last two attempts died mid-send
                    finish(db.connection(), row_id, "failed", None, DOUBTFUL)
                    self._count(address.transport, "doubtful")
                    continue
                self._resending(row, address)
            if until is None and (until := held_until(db, row, address.transport, self.ctx.settings, now)):
                taken = hold_back(db, row.channel, row.recipient, [row_id, *rest], until)
                rest = [i for i in rest if i not in taken]
                if row_id in taken:
                    continue
            if until:  # a row the one statement left: cut off mid-send, flagged just above
                self._hold(row, until)
                continue
            if row.msg_type == "template_card":  # each send its own task_id: WeCom refuses one it has seen
                row.task_id = outbox.task_id(row.idem_key, row.attempts)
            row.send_started_at = now
            return row, address, "send", rest
        return None

    def _resending(self, row: Outbox, address: Address) -> None:
        """The last attempt died between the API call and its outcome: the message may be there already."""
        row.ambiguous = True
        log.warning("resending a message that may already have been delivered",
                    extra={"outbox_id": row.id, "idem_key": row.idem_key})
        self._count(address.transport, "ambiguous")

    def _failed(self, row: Outbox, error: ApiError | str, now: datetime) -> None:
        if isinstance(error, ApiError) and error.transient and row.attempts < MAX_ATTEMPTS:
            # exponential backoff with jitter, so many failed rows don't all return at once
            delay = min(600, 5 * 2 ** (row.attempts - 1)) * self.rng.uniform(0.8, 1.2)
            # A card sent without an answer may be on the phone: its resend has a new task_id, so
            # WeCom's duplicate check cannot hide it, and it may show twice.
            doubtful = row.msg_type == "template_card" and error.errcode == NO_ANSWER
            self._finish(row.id, "pending", now + timedelta(seconds=delay), str(error), ambiguous=doubtful)
            self._count(row.channel, "retry")
            return
        self._finish(row.id, "failed", None, str(error))
        self._count(row.channel, "failed")
        if isinstance(error, ApiError) and error.errcode in UNREACHABLE_ERRORS:
            log.info("resident cannot be written to now", extra={"outbox_id": row.id, "error": str(error)})
            return
        log.error("delivery failed for good", extra={"outbox_id": row.id, "error": str(error)})
        if not row.idem_key.startswith("alert:") and row.msg_type != "card_update":
            with session(self.ctx.engine) as db:
                outbox.to_members(db, list(self.ctx.settings.station.supervisors), key=f"alert:{row.idem_key}",
                                  text=f"【消息发送失败】发给 {row.recipient} 的消息未能送达（{error}），请电话联系。\n"
                                       f"{row.payload.get('text', '')[:100]}", now=now, ticket_id=row.ticket_id)
                db.commit()

    def _finish(self, *args, **kwargs) -> None:
        with one_statement(self.ctx.engine) as connection:
            finish(connection, *args, **kwargs)

    @staticmethod
    def _hold(row: Outbox, until: datetime) -> None:
        """Give back a loaded row the recipient's limit holds (not an attempt), changed on the row itself:
        it was just flagged as resent (_resending), and both changes go in the one write."""
        row.status, row.next_attempt_at, row.last_error = "pending", until, RATE_LIMITED
        row.lease_until = row.send_started_at = None
        row.attempts -= 1

    def _count(self, channel: str, outcome: str) -> None:
        if self.ctx.metrics:
            self.ctx.metrics.outbox.labels(channel, outcome).inc()
