"""CPU per push of the outbox sender under a backlog that recipients' rate limits hold back.

`python -m bench.bench_outbox sqlite` seeds a burst (HELD members get BURST pushes each at once, far past
their limit a minute) beside steady traffic (every other member one push every few seconds), then runs
the sender's step on a fake clock, one tick every TICK, until every push is out, against a transport that
only records what it is given. It prints the sender's CPU (all threads of this process; PostgreSQL's own
is not in it) per delivered push, and per push the baseline measured in the same run: one Core UPDATE
marking a row sent, in a transaction of its own, on the same store. It checks that every push went
out once, and counts pushes that went before one written earlier for the same recipient, and sends past a
recipient's limit a minute (both should be 0).
"""
import asyncio
import sys
import time
from collections import defaultdict
from datetime import timedelta

from sqlalchemy import bindparam, insert, update

from bench.common import ratio, table
from bench.stores import ENGINES, drop, fresh_engine
from bot.context import BotContext
from bot.outbound.sender import Sender
from bot.outbound.tokens import TokenCache
from bot.outbound.transports import Transports
from core.clock import FakeClock
from core.config_load import load_settings
from models import Outbox, outbox
from models.store import migrate
from models.sync import sync_directory
from tests.helpers import TEST_PRIVACY, with_demo

HELD, BURST = 3, 150  # members whose pushes come at once, and how many each
STEADY_EVERY = timedelta(seconds=6)  # each other member: one push this often while the burst drains
TICK = timedelta(seconds=2)
_TABLE = Outbox.__table__


class RecordingTransports(Transports):
    """The WeCom app as configured, delivering nowhere: each send is recorded with the time it went."""

    def __init__(self, settings, tokens, clock):
        super().__init__(settings, None, tokens)  # type: ignore[arg-type]
        self.clock, self.sent = clock, defaultdict(list)

    async def send(self, address, msg_type, payload, idem_key, task_id=None):
        self.sent[address.to].append((self.clock.now(), idem_key))
        return {}, None


def _settings():
    s = load_settings()
    w = s.wechat
    work = w.work.model_copy(update={"corp_id": "wwcorp", "secret": "s", "agent_id": 1000002})
    return with_demo(s.model_copy(update={"wechat": w.model_copy(update={"work": work})}), enabled=False)


def _seed(engine, settings, start, seconds: int) -> int:
    members = [m.id for m in settings.members if m.wechat_id]
    rows = [outbox.row(key=f"burst:{m}:{i:04}", audience="member", recipient=m, text=f"督办 {i}", now=start)
            for m in members[:HELD] for i in range(BURST)]
    for n in range(seconds // int(STEADY_EVERY.total_seconds())):
        due = start + n * STEADY_EVERY
        rows += [outbox.row(key=f"steady:{m}:{n:04}", audience="member", recipient=m, text=f"新工单 {n}", now=due,
                            due=due) for m in members[HELD:]]
    with engine.begin() as c:
        c.execute(insert(_TABLE), rows)
    return len(rows)


async def _ticks(sender: Sender, clock: FakeClock, end) -> float:
    """The sender's step once a tick until `end`; the CPU seconds the steps took."""
    cpu = 0.0
    while clock.now() < end:
        began = time.process_time()
        await sender.step(clock.now())
        cpu += time.process_time() - began
        clock.advance(TICK)
    return cpu


def _faults(sent: dict, per_minute: int) -> tuple[int, int]:
    """(pushes that went before one written earlier for the same recipient, sends past a limit a minute)."""
    early = over = 0
    for pushes in sent.values():
        keys = [k for _, k in pushes]
        assert len(set(keys)) == len(keys), "a push went twice"
        early += sum(k < max(keys[:i]) for i, k in enumerate(keys) if i)
        times = [t for t, _ in pushes]
        over += sum(times[i + per_minute] - times[i] <= timedelta(minutes=1) for i in range(len(times) - per_minute))
    return early, over


def _baseline(engine, count: int) -> float:
    """CPU seconds per push of the least a sender does: one UPDATE marking one row sent, committed."""
    mark = update(_TABLE).where(_TABLE.c.id == bindparam("row_id")).values(status="sent")
    ids = list(range(1, count + 1))
    started = time.process_time()
    for row_id in ids:
        with engine.begin() as c:
            c.execute(mark, {"row_id": row_id})
    return (time.process_time() - started) / count


def run(kind: str, minutes: int = 8) -> tuple[float, float, int, int, int]:
    """(CPU s per delivered push, baseline CPU s per push, pushes, out of order, over a limit) on a fresh store."""
    settings, engine = _settings(), fresh_engine(kind)
    try:
        migrate(engine)
        sync_directory(engine, settings)
        clock = FakeClock("2026-11-24T10:00:00+08:00")
        start, end = clock.now(), clock.now() + timedelta(minutes=minutes)
        total = _seed(engine, settings, start, minutes * 60 - 90)
        transports = RecordingTransports(settings, TokenCache(engine, clock), clock)
        sender = Sender(BotContext(settings, engine, clock, None, None, privacy=TEST_PRIVACY), transports)
        cpu = asyncio.run(_ticks(sender, clock, end))
        delivered = sum(len(p) for p in transports.sent.values())
        assert delivered == total, f"{delivered} of {total} delivered"
        early, over = _faults(transports.sent, settings.wechat.send_rate_per_minute)
        return cpu / delivered, _baseline(engine, total), total, early, over
    finally:
        drop(engine)


def main() -> int:
    kinds = sys.argv[1:] or list(ENGINES)
    rows = []
    for kind in kinds:
        per_push, baseline, pushes, early, over = run(kind)
        rows.append((kind, pushes, f"{per_push * 1000:.2f}", f"{baseline * 1000:.2f}", ratio(per_push, baseline),
                     early, over))
    print(table(rows, ("store", "pushes", "sender CPU ms/push", "baseline ms/push", "sender / baseline",
                       "out of order", "over limit")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
