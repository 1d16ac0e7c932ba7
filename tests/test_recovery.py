"""A restart on SQLite takes back the claims of the process that died; PostgreSQL waits for the leases."""
from datetime import timedelta

import pytest
from sqlmodel import select

from core.clock import utc
from core.faults import _read
from models import Deadline, InboxMessage, Outbox
from models.recovery import release_orphaned_claims
from models.store import session


def _leave_claims(engine, now):
    later = now + timedelta(seconds=60)
    with session(engine) as db:
        db.add(Deadline(kind="accept", due_at=now, status="claimed", claimed_by="dead", claimed_until=later))
        db.add(InboxMessage(msg_key="m-orphan", channel="mp", sender="oWang", msg_type="text", content="路灯坏了",
                            status="processing", lease_until=later, received_at=now))
        db.add(Outbox(idem_key="o-orphan", channel="member", recipient="wg_li", status="sending", lease_until=later))
        db.commit()


def test_it_ends_a_dead_process_s_leases_on_sqlite_only(engine, clock):
    now = clock.now()
    _leave_claims(engine, now)
    released = release_orphaned_claims(engine, now)
    with session(engine) as db:
        deadline = db.exec(select(Deadline).where(Deadline.claimed_by == "dead")).one()
        message = db.exec(select(InboxMessage).where(InboxMessage.msg_key == "m-orphan")).one()
        out = db.exec(select(Outbox).where(Outbox.idem_key == "o-orphan")).one()
    leases = {utc(deadline.claimed_until), utc(message.lease_until), utc(out.lease_until)}
    if engine.dialect.name == "sqlite":
        assert released == {"deadlines": 1, "inbox": 1, "outbox": 1}
        assert leases == {utc(now)}  # claimable on the first tick after start
    else:  # other instances may be alive: their claims run out on their own
        assert released == {} and min(leases) > now


def test_crash_points_are_named_and_counted():
    assert _read("inbox.stored:3, outbox.sent") == {"inbox.stored": 3, "outbox.sent": 1}
    assert _read("") == {}
    with pytest.raises(ValueError, match="unknown crash point 'inbox.lost'"):
        _read("inbox.lost")
