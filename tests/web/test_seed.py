"""The demo's history: seeded once through dispatch in demo mode only, nothing left to send, the console alive."""
from dataclasses import replace

from sqlalchemy import func, update
from sqlmodel import select

from demo.seed import prepare_demo, seed_demo_history
from dispatch.service import Dispatcher
from models import Escalation, Feedback, Member, Outbox, Ticket
from models.outbox import VIA_DEMO
from models.store import session
from tests.helpers import make_services, with_demo


def test_it_seeds_a_consistent_history_once(settings, engine, clock):
    demo = with_demo(settings)
    services = make_services(demo, engine, clock)
    services.dispatcher = Dispatcher(demo, engine, clock, services.calendar, services.metrics)
    started = clock.now()
    with session(engine) as db:  # on PostgreSQL the member table outlives a test
        db.exec(update(Member).values(password_hash=""))
        db.commit()
    made = seed_demo_history(services, days=4)
    assert made > 20
    with session(engine) as db:
        statuses = set(db.exec(select(Ticket.status)).all())
        assert {"closed", "dispatched"} <= statuses
        assert db.exec(select(func.count()).select_from(Escalation)).one() > 0
        assert db.exec(select(func.count()).select_from(Feedback)).one() > 0
        pushed = db.exec(select(Outbox)).all()
    assert {o.status for o in pushed} == {"sent"}
    assert all(o.payload.items() >= VIA_DEMO.items() for o in pushed)  # the demo page's, shown by its feeds
    assert clock.now() == started  # the service's own clock, turned back for the seeding and returned
    made_here = services.metrics.registry.get_sample_value("gw_tickets_total", {"route": "grid", "kind": "non_police"})
    assert made_here > 0  # through the service's dispatcher, not a second one
    assert seed_demo_history(services, days=4) == 0
    assert prepare_demo(replace(services, settings=with_demo(settings, seed_history=False))) == 0
    with session(engine) as db:
        assert set(db.exec(select(Member.password_hash)).all()) == {""}  # the demo password is never stored


def test_outside_demo_mode_nothing_is_seeded_and_nobody_gets_a_password(settings, engine, clock):
    with session(engine) as db:
        db.exec(update(Member).values(password_hash=""))
        db.commit()
    off = with_demo(settings, enabled=False)
    services = make_services(off, engine, clock)
    services.dispatcher = Dispatcher(off, engine, clock, services.calendar, services.metrics)
    assert prepare_demo(services) == 0
    with session(engine) as db:
        assert set(db.exec(select(Member.password_hash)).all()) == {""}
        assert db.exec(select(func.count()).select_from(Ticket)).one() == 0
        assert db.exec(select(func.count()).select_from(Outbox)).one() == 0
