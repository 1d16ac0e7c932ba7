"""Deadlines survive restarts and several instances: each escalation happens exactly once."""
import logging
import random
import threading

from sqlalchemy import func
from sqlmodel import select

from core.ticker import Ticker
from dispatch import deadlines
from dispatch.api import Report
from models import Escalation, EscalationNotice, Outbox, Ticket
from models.store import make_engine, session
from tests.conftest import empty_pg
from tests.dispatch.conftest import FakeTriage, World
from tests.dispatch.test_scenarios import HAZARD

SPOTS = ["桂花苑{}栋楼道".format(n) for n in range(1, 13)]


def fill(world, count: int) -> None:
    """`count` distinct tickets: unrelated texts and places, so none merge as duplicates."""
    rng = random.Random(7)
    pool = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    for i in range(count):
        text = "".join(rng.choice(pool) for _ in range(16))
        world.report(f"居民{i}", text, **{**HAZARD, "location": f"{SPOTS[i % 12]}{i}号"})


def notices_sent(engine) -> dict[str, int]:
    """How many rungs each person has been told of (in however many pushes)."""
    with session(engine) as db:
        return dict(db.exec(select(EscalationNotice.recipient, func.count()).where(EscalationNotice.status == "sent")
                            .group_by(EscalationNotice.recipient)).all())


def escalation_count(engine) -> int:
    with session(engine) as db:
        return db.exec(select(func.count()).select_from(Escalation)).one()


async def test_deadlines_missed_while_down_fire_once_on_the_first_tick(settings, engine, clock):
    world = World(settings, engine, clock)
    fill(world, 50)
    url = engine.url
    engine.dispose()  # the service stops with 50 pending accept deadlines
    clock.advance("20m")  # ...and stays down past them
    restarted = World(settings, make_engine(url.render_as_string(hide_password=False)), clock)
    ticker = Ticker(clock, settings.ticker.interval)
    ticker.add_step("deadlines", restarted.dispatcher.tick)

    assert await ticker.cycle() == 50  # the cycle the scheduler runs at once on start (its speed: bench/)

    assert await ticker.cycle() == 0
    assert escalation_count(restarted.engine) == 50
    [summary] = restarted.inbox_of("wz_zhang")  # one push for the 50 tickets newly overdue for him
    assert summary.startswith("【督办汇总】50 件工单超时") and "……另有 30 件" in summary
    assert notices_sent(restarted.engine) == {"wz_zhang": 50}
    restarted.engine.dispose()


def test_a_claim_left_by_a_crashed_instance_is_taken_over_after_its_lease(settings, engine, clock):
    world = World(settings, engine, clock)
    fill(world, 3)
    clock.advance("15m")
    assert len(deadlines.claim(engine, clock.now(), "crashed-instance", 100)) == 3  # ...then it dies
    assert world.dispatcher.tick(clock.now()) == 0  # still leased to the dead instance
    clock.advance("61s")
    assert world.dispatcher.tick(clock.now()) == 3
    assert escalation_count(engine) == 3


def test_instances_on_postgresql_escalate_each_ticket_exactly_once(settings, pg_schema_url, clock, caplog):
    engine = make_engine(pg_schema_url)
    empty_pg(engine)
    fill(World(settings, engine, clock), 1000)
    clock.advance("15m")  # 1,000 accept deadlines fall due together: two instances
    run_instances(settings, pg_schema_url, clock, 2)
    assert escalation_count(engine) == 1000
    clock.advance("15m")  # the next rung of all 1,000 (and the held pushes): three instances
    run_instances(settings, pg_schema_url, clock, 3)
    clock.advance("10m")  # the pushes held for each person's batching window
    last = World(settings, engine, clock)
    while last.dispatcher.tick(clock.now()):
        pass
    with session(engine) as db:
        assert db.exec(select(func.count()).select_from(Escalation)).one() == 2000
        pushes = db.exec(select(Outbox.recipient, Outbox.idem_key).where(Outbox.idem_key.like("esc:%"))).all()
        carried = set(db.exec(select(EscalationNotice.outbox_key)).all())
    # level 0 alerts the grid leader, level 1 the officer and the instructor: each hears of every
    # rung once, in as few pushes as the batching allows (a claim batch at a time, never twice)
    assert notices_sent(engine) == {"wz_zhang": 1000, "mj_zhao": 1000, "zd_wu": 1000}
    assert carried == {key for _, key in pushes} and len(pushes) == len({key for _, key in pushes})
    assert {who for who, _ in pushes} == {"wz_zhang", "mj_zhao", "zd_wu"}
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    empty_pg(engine)
    engine.dispose()


def run_instances(settings, url, clock, instances: int) -> int:
    """Tick from `instances` threads at once, each with its own engine, until nothing is due; return fired.

    Small batches, so the instances really compete for the same due rows.
    """
    small = settings.model_copy(update={"ticker": settings.ticker.model_copy(update={"batch": 50})})
    errors, fired = [], {n: 0 for n in range(instances)}
    start = threading.Barrier(instances)

    def run_instance(n: int) -> None:
        own = World(small, make_engine(url), clock)
        own.dispatcher.deps.instance = f"instance-{n}"
        try:
            start.wait(timeout=30)
            while (count := own.dispatcher.tick(clock.now())) or _pending_due(own.engine, clock):
                fired[n] += count
        except Exception as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)
        finally:
            own.engine.dispose()

    threads = [threading.Thread(target=run_instance, args=(n,)) for n in range(instances)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert sum(1 for count in fired.values() if count) >= 2, fired  # they did share the work
    return sum(fired.values())


def _pending_due(engine, clock) -> bool:
    from models import Deadline
    with session(engine) as db:
        return db.exec(select(func.count()).select_from(Deadline)
                       .where(Deadline.status.in_(("pending", "claimed")), Deadline.due_at <= clock.now())).one() > 0


def test_the_same_stored_message_processed_again_finds_its_ticket(world, engine):
    # The process acted on inbox row 41 and died before recording the answer: the sweep runs it again.
    triage = FakeTriage(category="facility_repair", kind="non_police", location="桂花苑3栋", grid_id="gh-1")
    report = Report(resident_id=world.resident("王阿姨"), channel="mp", text="桂花苑3栋路灯坏了", triage=triage,
                    inbox_id=41)
    first = world.dispatcher.submit(report)
    again = world.dispatcher.submit(report)
    assert (again.ticket_id, again.number, again.merged) == (first.ticket_id, first.number, False)
    with session(engine) as db:
        assert db.exec(select(func.count()).select_from(Ticket)).one() == 1
    assert len([t for t in world.inbox_of("wg_li") if "【新工单】" in t]) == 1
