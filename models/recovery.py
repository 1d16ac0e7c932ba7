"""After a crash on SQLite: the one process that claims work in the file takes back what the dead one held.

Claims carry leases (deadlines 60 s, inbox 30 s, outbox 60 s) so that on PostgreSQL another
instance takes over a dead one's rows without knowing it died. On SQLite only one instance can
hold the file (lock_single_instance), and in it one process claims: the instance's own, or with
server.processing: separate the processing process (its serving process claims nothing and does not
call this). So every claim found at that process's start belongs to a process that is gone: ending
those leases at once spares the first minute after a restart.
"""
import logging
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.engine import Engine

from models import Deadline, InboxMessage, Outbox
from models.store import session

log = logging.getLogger(__name__)


def release_orphaned_claims(engine: Engine, now: datetime) -> dict[str, int]:
    """End the leases of rows claimed before this start (SQLite only); return how many per table."""
    if engine.dialect.name != "sqlite":
        return {}
    with session(engine) as db:
        released = {
            "deadlines": db.exec(update(Deadline).where(Deadline.status == "claimed")
                                 .values(claimed_until=now)).rowcount,
            "inbox": db.exec(update(InboxMessage).where(InboxMessage.status == "processing")
                             .values(lease_until=now)).rowcount,
            "outbox": db.exec(update(Outbox).where(Outbox.status == "sending").values(lease_until=now)).rowcount,
        }
        db.commit()
    if any(released.values()):
        log.warning("took back claims left by a process that stopped without finishing", extra=released)
    return released
