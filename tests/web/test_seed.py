"""The demo's history: seeded once through dispatch, nothing left to send, the console alive."""
from dataclasses import replace

from sqlalchemy import func, update
from sqlmodel import select

from demo.seed import DEMO_PASSWORD, prepare_demo, seed_demo_history
from dispatch.service import Dispatcher
from models import Escalation, Feedback, Member, Outbox, Ticket
from models.store import session
from tests.helpers import make_services
from web.console import passwords


def test_it_seeds_a_consistent_history_once(settings, engine, clock):
    services = make_services(settings, engine, clock)
    services.dispatcher = Dispatcher(settings, engine, clock, services.calendar, services.metrics)
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
        assert db.exec(select(func.count()).select_from(Outbox).where(Outbox.status != "sent")).one() == 0
    assert clock.now() == started  # the service's own clock, turned back for the seeding and returned
    made_here = services.metrics.registry.get_sample_value("gw_tickets_total", {"route": "grid", "kind": "non_police"})
    assert made_here > 0  # through the service's dispatcher, not a second one
    assert seed_demo_history(services, days=4) == 0
    assert prepare_demo(replace(services, settings=_no_history(settings))) == 0  # passwords, no more history
    with session(engine) as db:
        assert passwords.verify(db.get(Member, "sz_chen").password_hash, DEMO_PASSWORD)


def _no_history(settings):
    return settings.model_copy(update={"demo": settings.demo.model_copy(update={"seed_history": False})})


def test_outside_demo_mode_nobody_gets_the_demo_password(settings, engine, clock):
    with session(engine) as db:
        db.exec(update(Member).values(password_hash=""))
        db.commit()
    off = settings.model_copy(update={"demo": settings.demo.model_copy(update={"enabled": False})})
    assert prepare_demo(make_services(off, engine, clock)) == 0
    with session(engine) as db:
        assert db.get(Member, "sz_chen").password_hash == ""
        assert db.exec(select(func.count()).select_from(Ticket)).one() == 0
