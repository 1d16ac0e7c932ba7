"""Three real instances start together on one PostgreSQL store with 1,000 tickets overdue at once.

Each of the 1,000 tickets was dispatched a week earlier and never accepted, so both accept rungs
of the fast ladder (2 s and 4 s) are due when the processes start: 2,000 escalations due at the
same moment (the close ladder waits for 签收). Exactly 2,000 must fire, each alerting its people
once, however the three processes share the work.
"""
import asyncio

from sqlmodel import select

from core.clock import FakeClock
from core.config_load import load_settings
from models import Escalation, EscalationNotice, Outbox, Ticket
from models.store import make_engine, migrate, session
from models.sync import sync_directory
from tests.conftest import pg_admin, private_schema
from tests.dispatch.conftest import World
from tests.dispatch.test_durability import fill
from tests.helpers import free_port
from tests.reliability.service import Service, fake, write_config  # noqa: F401 - fixture

TICKETS = 1000


def _seed(config, url: str) -> None:
    engine = make_engine(url)
    migrate(engine)
    settings = load_settings(config)
    sync_directory(engine, settings)
    fill(World(settings, engine, FakeClock("2026-11-24T10:00:00+08:00")), TICKETS)  # long overdue by now
    engine.dispose()


def _escalations(url: str) -> tuple[int, int, list[str], list[str]]:
    """Rungs fired, people those rungs alerted, and for each person told of a rung the push that carried it."""
    engine = make_engine(url)
    with session(engine) as db:
        rungs = db.exec(select(Escalation.notified).join(Ticket, Ticket.id == Escalation.ticket_id)
                        .where(Ticket.category != "duty")).all()  # not the recurring duties' own tasks
        carried = list(db.exec(select(EscalationNotice.outbox_key).join(Ticket, Ticket.id == EscalationNotice.ticket_id)
                               .where(EscalationNotice.status == "sent", Ticket.category != "duty")).all())
        pushes = list(db.exec(select(Outbox.idem_key).where(Outbox.idem_key.in_(set(carried)))).all())
    engine.dispose()
    return len(rungs), sum(len(notified) for notified in rungs), carried, pushes


async def test_three_instances_fire_two_thousand_due_rungs_exactly_once(tmp_path, fake):
    admin = pg_admin()
    with private_schema(admin) as url:
        config = write_config(tmp_path, url, str(fake.server.make_url("/")))
        await asyncio.to_thread(_seed, config, url)
        services = [Service(config, free_port(), tmp_path / f"instance-{n}.log") for n in range(3)]
        await asyncio.gather(*(asyncio.to_thread(s.start) for s in services))
        for _ in range(300):
            fired, *_ = await asyncio.to_thread(_escalations, url)
            if fired >= 2 * TICKETS:
                break
            await asyncio.sleep(0.2)
        await asyncio.sleep(2)  # anything fired twice would show up now
        fired, alerted, carried, pushes = await asyncio.to_thread(_escalations, url)
        await asyncio.gather(*(asyncio.to_thread(s.stop) for s in services))
    admin.dispose()
    assert fired == 2 * TICKETS
    assert len(carried) == alerted  # every person alerted by each rung was told, in a push that exists once
    assert set(pushes) == set(carried) and len(pushes) == len(set(pushes))
