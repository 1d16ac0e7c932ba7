"""The register of people under watch: synced from config.yaml, visits reset their interval."""
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.settings import Settings
from models.duties import Visit, WatchedPerson
from models.store import session
from models.sync import deactivate_unlisted


def sync_register(engine: Engine, settings: Settings, now: datetime) -> None:
    """Upsert config's people; a new person counts as seen now, so nobody is overdue at once."""
    listed = set()
    with session(engine) as db:
        for p in settings.watch.people:
            listed.add(p.id)
            row = db.get(WatchedPerson, p.id) or WatchedPerson(
                id=p.id, name=p.name, grid_id=p.grid, worker_id=p.worker, interval_s=0, last_seen_at=now)
            row.name, row.address, row.grid_id, row.worker_id = p.name, p.address, p.grid, p.worker
            row.aliases = ",".join(p.aliases)
            row.interval_s = int((p.interval or settings.watch.default_interval).total_seconds())
            row.active = True
            db.add(row)
        deactivate_unlisted(db, WatchedPerson, listed)
        db.commit()


def find_person(db: Session, name: str, worker_id: str | None = None) -> WatchedPerson | None:
    """The watched person called `name` (or an alias), preferring the worker's own."""
    wanted = name.strip()
    candidates = [p for p in db.exec(select(WatchedPerson).where(WatchedPerson.active)).all()
                  if wanted and (wanted == p.name or wanted in p.aliases.split(",") or p.name in wanted)]
    mine = [p for p in candidates if p.worker_id == worker_id]
    return (mine or candidates or [None])[0]


def record_visit(db: Session, person: WatchedPerson, member_id: str, now: datetime,
                 note: str = "", ticket_id: int | None = None) -> Visit:
    """Record a visit (见面) and reset the interval from now."""
    visit = Visit(person_id=person.id, member_id=member_id, note=note, ticket_id=ticket_id, at=now)
    person.last_seen_at, person.last_seen_by = now, member_id
    db.add(visit)
    db.add(person)
    return visit
