"""Who wrote: a member of staff (by WeCom userid) or a resident (created on first message)."""
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from core.settings import Settings
from models import Member, Resident
from models.store import session


def member_by_wechat_id(engine, wechat_id: str) -> Member | None:
    """The active member with this WeCom userid."""
    with session(engine) as db:
        return db.exec(select(Member).where(Member.wechat_id == wechat_id, Member.active)).first()


def resident_for(engine, channel: str, external_id: str, now) -> Resident:
    """The resident row for a channel identity, created on first contact."""
    with session(engine) as db:
        found = db.exec(select(Resident).where(Resident.channel == channel,
                                               Resident.external_id == external_id)).first()
        if found:
            return found
        row = Resident(channel=channel, external_id=external_id, name=external_id if channel == "demo" else "",
                       created_at=now)
        db.add(row)
        try:
            db.commit()
            return row
        except IntegrityError:  # a concurrent first message created it
            db.rollback()
            return db.exec(select(Resident).where(Resident.channel == channel,
                                                  Resident.external_id == external_id)).one()


def phones_by_name(settings: Settings, names: list[str]) -> dict[str, str]:
    """Work phones of the named members, for the resident's receipt (masked in groups).

    From config.yaml: the store keeps members' phones masked like every other number.
    """
    return {m.name: m.phone for m in settings.members if m.name in names and m.phone}
