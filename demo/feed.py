"""What the demo page polls: the group chat, each phone's messages both ways, and what residents got.

The page keeps what it has and adds only what is new: pushes come after the last id it saw;
chat and staff messages come as the latest few, by id, so a reply written late still shows.
Only the demo's own rows (demo/scope.py), with phone and ID numbers masked.
"""
from sqlmodel import select

from core.privacy import mask
from core.vocabulary import WORKER_ACTIONS
from demo.channel import GROUP
from demo.scope import STAFF_KEY, demo_outbox, masked_card
from models import InboxMessage, Member, Outbox, Resident
from models.store import session
from web.console.labels import ROLE_NAMES

RECENT = 80  # chat and staff messages re-sent on each poll
FIRST_PUSHES = 300  # pushes on the first load (a seeded demo has thousands)
MORE_PUSHES = 500


def updates(engine, after: int) -> dict:
    """Everything new since push id `after` (0: the first load, with the members)."""
    with session(engine) as db:
        chat = db.exec(select(InboxMessage).where(InboxMessage.channel == "demo")
                       .order_by(InboxMessage.id.desc()).limit(RECENT)).all()
        staff = db.exec(select(InboxMessage).where(InboxMessage.msg_key.startswith(STAFF_KEY))
                        .order_by(InboxMessage.id.desc()).limit(RECENT)).all()
        pushes = _pushes(db, after)
        members = db.exec(select(Member).where(Member.active)).all()
        told = {int(o.recipient) for o in pushes if o.channel == "resident"}
        residents = {r.id: r.name or r.external_id for r in db.exec(select(Resident).where(Resident.id.in_(told))).all()}
    by_wechat = {m.wechat_id: m.id for m in members}
    body = {"chat": [_chat(c) for c in reversed(chat)],
            "staff": [_staff(c, by_wechat) for c in reversed(staff) if c.sender in by_wechat],
            "pushes": [_push(o, residents) for o in pushes],
            "last": max([after, *(o.id for o in pushes)])}
    if after == 0:
        body["members"] = [{"id": m.id, "name": m.name, "roles": "、".join(ROLE_NAMES.get(r, r) for r in m.roles)}
                           for m in sorted(members, key=_member_order)]
    return body


def _pushes(db, after: int) -> list[Outbox]:
    if after:
        return list(db.exec(select(Outbox).where(demo_outbox(), Outbox.id > after).order_by(Outbox.id)
                            .limit(MORE_PUSHES)).all())
    return list(reversed(db.exec(select(Outbox).where(demo_outbox()).order_by(Outbox.id.desc())
                                 .limit(FIRST_PUSHES)).all()))


def _chat(c: InboxMessage) -> dict:
    return {"id": c.id, "from": c.sender, "group": c.chat_id == GROUP, "text": _shown(c), "reply": mask(c.reply or ""),
            "photo": (c.payload or {}).get("pic_url")}


def _staff(c: InboxMessage, by_wechat: dict) -> dict:
    return {"id": c.id, "member": by_wechat[c.sender], "text": _shown(c), "reply": mask(c.reply or ""),
            "photo": (c.payload or {}).get("pic_url"), "at": c.received_at.isoformat() if c.received_at else ""}


def _push(o: Outbox, residents: dict) -> dict:
    to = {"member": o.recipient, "supervisors_group": "所领导群"}.get(o.channel)
    if o.channel == "resident":
        to = residents.get(int(o.recipient), "居民") if o.recipient.isdigit() else "居民"
    shown = {"id": o.id, "channel": o.channel, "to": to, "text": mask(o.payload.get("text", "")),
             "card": masked_card(o.payload.get("card")), "at": o.created_at.isoformat() if o.created_at else ""}
    if o.msg_type == "template_card":
        shown["state"] = o.card_state  # what replaced its buttons, once the ticket moved on
    if o.msg_type == "card_update":  # not a message: an earlier card (push `retire`) loses its buttons
        shown |= {"retire": o.payload.get("card_row"), "label": o.payload.get("replace", "")}
    return shown


def _shown(c: InboxMessage) -> str:
    """A message as a person would see it: a card tap as the action taken, a photo as 照片."""
    payload = c.payload or {}
    if c.msg_type == "event" and payload.get("event_key"):
        action, _, ticket = str(payload["event_key"]).partition(":")
        return f"点了「{WORKER_ACTIONS.get(action, action)}」（工单 {ticket}）"
    if c.msg_type == "image":
        return "［照片］"
    return mask(c.content)


def _member_order(m: Member) -> tuple:
    """Those who work tasks first: grid workers, then leaders, officers, the duty desk, the leadership."""
    order = ["grid_worker", "grid_leader", "officer", "duty_officer", "instructor", "supervisor"]
    first = m.roles[0] if m.roles else ""
    return (order.index(first) if first in order else len(order), m.id)
