"""Mirror config.yaml's areas and members into the database, so rows can refer to them."""
from sqlalchemy.engine import Engine
from sqlmodel import select

from core.settings import Settings
from models.people import Grid, Member
from models.sessions import end_member_sessions
from models.store import session


def sync_directory(engine: Engine, settings: Settings) -> None:
    """Upsert villages, grids, micro-grids and members; members no longer listed become inactive.

    A member whose password changed, or who is no longer listed, is signed out everywhere.
    """
    with session(engine) as db:
        for village in settings.villages:
            db.merge(Grid(id=village.id, name=village.name, level="village", village_id=village.id))
        db.flush()
        for village, grid in settings.grids():
            db.merge(Grid(id=grid.id, name=grid.name, level="grid", parent_id=village.id, village_id=village.id))
            db.flush()
            for micro in grid.micro_grids:
                db.merge(Grid(id=micro.id, name=micro.name, level="micro", parent_id=grid.id,
                              village_id=village.id))
        home = {w: g.id for _, g in settings.grids() for w in g.workers}
        home.update({g.leader: g.id for _, g in settings.grids()})
        listed = set()
        for m in settings.members:
            listed.add(m.id)
            existing = db.get(Member, m.id)
            row = existing or Member(id=m.id, name=m.name, wechat_id=m.wechat_id)
            row.name, row.wechat_id, row.phone = m.name, m.wechat_id, m.phone
            row.roles, row.grid_id, row.active = list(m.roles), home.get(m.id), True
            if m.password_hash:
                if existing is not None and existing.password_hash != m.password_hash:
                    end_member_sessions(db, m.id)
                row.password_hash = m.password_hash
            db.add(row)
        for gone in deactivate_unlisted(db, Member, listed):
            end_member_sessions(db, gone)
        db.commit()


def deactivate_unlisted(db, model, listed: set[str]) -> list[str]:
    """Rows config.yaml no longer lists stay (history refers to them) but become inactive; returns their ids."""
    gone = []
    for row in db.exec(select(model).where(model.active)).all():
        if row.id not in listed:
            row.active = False
            db.add(row)
            gone.append(row.id)
    return gone
