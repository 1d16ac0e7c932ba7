"""Who wrote: a member of staff (by WeCom userid) or a resident (created on first message)."""
from sqlalchemy import bindparam
from sqlmodel import select

from core.settings import Settings
from models import Conversation, Member, Resident
from models.rows import inserted_id
from models.store import one_read, session

# Built once: every message looks its writer up, and building the query cost as much as running it.
_MEMBER = select(Member).where(Member.wechat_id == bindparam("wechat_id"), Member.active)
_RESIDENT = select(Resident).where(Resident.channel == bindparam("channel"),
                                   Resident.external_id == bindparam("external_id"))

_RESIDENT_STATE = (select(Resident, Conversation.state)
                   .outerjoin(Conversation, Conversation.resident_id == Resident.id)  # type: ignore[arg-type]
                   .where(Resident.channel == bindparam("channel"), Resident.external_id == bindparam("external_id")))


def member_by_wechat_id(engine, wechat_id: str) -> Member | None:
    """The active member with this WeCom userid."""
    with one_read(engine) as db:
        return db.exec(_MEMBER, params={"wechat_id": wechat_id}).first()


def resident_for(engine, channel: str, external_id: str, now) -> Resident:
    """The resident row for a channel identity, created on first contact."""
    with one_read(engine) as db:
        found = resident_in(db, channel, external_id)
    return found if found is not None else _first_contact(engine, channel, external_id, now)


def resident_in(db, channel: str, external_id: str) -> Resident | None:
    """The resident row for a channel identity, read in the caller's transaction; None before first contact."""
    return db.exec(_RESIDENT, params={"channel": channel, "external_id": external_id}).first()


def _first_contact(engine, channel: str, external_id: str, now) -> Resident:
    """Create the resident's row (unless a concurrent first message just did): one INSERT on the table, the
    ORM's unit of work cost more than the statement, and the row is not read back."""
    row = Resident(channel=channel, external_id=external_id, name=external_id if channel == "demo" else "",
                   created_at=now)
    with session(engine) as db:
        new_id = inserted_id(db, Resident, row.model_dump(exclude={"id"}), ["channel", "external_id"])
        if new_id is None:  # a concurrent first message made it (.one(): its row must be there, or a store error)
            return db.exec(_RESIDENT, params={"channel": channel, "external_id": external_id}).one()
        db.commit()
    row.id = new_id
    return row


def resident_and_state(engine, channel: str, external_id: str, now) -> tuple[Resident, str | None]:
    """resident_for, with where the conversation stands (Conversation.state; None if none) in the same read."""
    with one_read(engine) as db:
        found = db.exec(_RESIDENT_STATE, params={"channel": channel, "external_id": external_id}).first()
    if found is not None:
        return found[0], found[1]
    return _first_contact(engine, channel, external_id, now), None  # first contact: nothing asked yet


def phones_by_name(settings: Settings, names: list[str]) -> dict[str, str]:
    """Work phones of the named members, for the resident's receipt (masked in groups).

    From config.yaml: the store keeps members' phones masked like every other number.
    """
    return {m.name: m.phone for m in settings.members if m.name in names and m.phone}
