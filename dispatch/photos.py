"""Photos sent after a report or a 办结: attached to the ticket, with who sent them and when."""
from datetime import datetime

from sqlmodel import select

from dispatch.api import Outcome
from dispatch.context import Deps
from dispatch.lifecycle import audit
from models import Assignment, Ticket
from models.media import link_ticket
from models.store import session


def from_member(deps: Deps, member_id: str, url: str, ticket_id: int | None = None, ref: str | None = None,
                voice: bool = False) -> Outcome | None:
    """A worker's photo (or voice) joins `ticket_id` if they hold it (/m knows the task), else the ticket they
    hold or most recently resolved; None if they hold none. `ref` names it for the copy kept later (keep)."""
    with session(deps.engine) as db:
        held = (select(Ticket).join(Assignment, Assignment.ticket_id == Ticket.id)
                .where(Assignment.member_id == member_id, Assignment.active))
        if ticket_id is not None:
            held = held.where(Ticket.id == ticket_id)
        ticket = db.exec(held.order_by(Ticket.updated_at.desc())).first()
        if ticket is None:
            return None
        ticket.photos = [*ticket.photos, _entry(url, member_id, deps.clock.now(), ref, voice)]
        db.add(ticket)
        link_ticket(db, url, ticket.id)
        db.commit()
    return Outcome(True, f"{'语音' if voice else '照片'}已附到 {ticket.number}。", ticket.id)


def from_resident(deps: Deps, resident_id: int, ticket_id: int, url: str, ref: str | None = None) -> None:
    """A reporter's photo joins their ticket and the timeline."""
    now = deps.clock.now()
    with session(deps.engine) as db:
        ticket = db.get(Ticket, ticket_id, with_for_update=True)
        ticket.photos = [*ticket.photos, _entry(url, f"resident:{resident_id}", now, ref, False)]
        db.add(ticket)
        link_ticket(db, url, ticket_id)
        audit(db, ticket_id, f"resident:{resident_id}", "photo", now, note=url[:200])
        db.commit()


def keep(deps: Deps, ticket_id: int, ref: str, url: str, by: str, voice: bool) -> None:
    """Our own copy of a photo or voice arrived: the entry named `ref` points at it from now on (the
    sender's address stays beside it as `source`); a voice not yet listed joins the ticket. Done twice,
    the second changes nothing."""
    now = deps.clock.now()
    with session(deps.engine) as db:
        ticket = db.get(Ticket, ticket_id, with_for_update=True)
        if ticket is None:
            return
        photos = [dict(p) for p in ticket.photos]
        mine = [p for p in photos if p.get("ref") == ref]
        if any(p.get("url") == url for p in mine):
            return
        for p in mine:
            p["url"], p["source"] = url, p.get("url") or None
        if not mine:
            photos.append(_entry(url, by, now, ref, voice))
        ticket.photos = photos
        db.add(ticket)
        link_ticket(db, url, ticket_id)
        audit(db, ticket_id, "system", "media_kept", now, note=f"{'语音' if voice else '照片'}已保存：{url}"[:200])
        db.commit()


def _entry(url: str, by: str, now: datetime, ref: str | None, voice: bool) -> dict[str, str]:
    return ({"url": url, "by": by, "at": now.isoformat()} | ({"ref": ref} if ref else {})
            | ({"kind": "voice"} if voice else {}))
