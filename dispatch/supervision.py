"""What a supervisor can do to a ticket: reassign, transfer to police, press (督办), arbitrate a 退单, close."""
from datetime import datetime

from sqlmodel import Session

from core.vocabulary import OPEN_STATUSES
from dispatch import cards, deadlines, texts
from dispatch.actions import Refused, transfer_to_police
from dispatch.api import Outcome
from dispatch.assign import dispatch, holders
from dispatch.context import Deps
from dispatch.lifecycle import IllegalMove, audit, move
from dispatch.reporters import tell_reporters
from dispatch.routing import Plan
from models import Member, Ticket, outbox
from models.store import session

SUPERVISING = {"supervisor", "duty_officer", "instructor"}


def supervise(deps: Deps, actor: str, action: str, ticket_id: int, *, member: str = "", note: str = "") -> Outcome:
    """Apply a supervisor's action; only supervisors, duty officers and instructors may."""
    now = deps.clock.now()
    with session(deps.engine) as db:
        who = db.get(Member, actor)
        if who is None or not SUPERVISING & set(who.roles):
            return Outcome(False, "只有所领导、值班民警和网格指导员可以督办、改派或关闭工单。")
        ticket = db.get(Ticket, ticket_id, with_for_update=True)
        if ticket is None:
            return Outcome(False, f"没有编号为 {ticket_id} 的工单。")
        try:
            message = ACTIONS[action](deps, db, ticket, actor, member, note, now)
        except KeyError:
            return Outcome(False, f"不支持的操作：{action}")
        except IllegalMove:
            return Outcome(False, f"{ticket.number} 当前状态不能这样处理。", ticket_id)
        except Refused as refused:
            return Outcome(False, str(refused), ticket_id)
        db.commit()
    return Outcome(True, message, ticket_id)


def _reassign(deps: Deps, db: Session, ticket: Ticket, actor: str, member: str, note: str, now: datetime) -> str:
    target = db.get(Member, member)
    if target is None or not target.active:
        raise Refused(f"没有成员 {member}。")
    dispatch(deps, db, ticket, Plan(ticket.route or "grid", [member], [], []), now, actor=actor,
             reason=f"改派给{target.name}" + (f"：{note}" if note else ""))
    return f"已改派给{target.name}。"


def _transfer_police(deps: Deps, db: Session, ticket: Ticket, actor: str, member: str, note: str, now: datetime) -> str:
    transfer_to_police(deps, db, ticket, actor, now, note, reason=f"转警：{note}")
    return "已转警。"


def _press(deps: Deps, db: Session, ticket: Ticket, actor: str, member: str, note: str, now: datetime) -> str:
    if ticket.status not in OPEN_STATUSES:
        raise Refused("该工单已办结或关闭，无需督办。")
    people = [a.member_id for a in holders(db, ticket.id)]
    audit(db, ticket.id, actor, "pressed", now, note=note)
    outbox.to_members(db, people, key=f"t{ticket.id}:press:{now.isoformat()}",
                      text=f"【督办】{texts.headline(ticket)}\n{deps.member_name(actor)}督办：{note or '请尽快办理'}",
                      now=now, ticket_id=ticket.id)
    return "已督办。"


def _arbitrate(deps: Deps, db: Session, ticket: Ticket, actor: str, member: str, note: str, now: datetime) -> str:
    """A 退单 ruled with a reason: with `member`, give it to them; without, send it back to whom it was assigned."""
    if ticket.status != "returned":
        raise Refused("该工单不在退单待裁定状态。")
    if not note.strip():
        raise Refused("退单裁定请写明理由：改派给谁、为什么，或为什么驳回。")
    if member:
        return _reassign(deps, db, ticket, actor, member, note, now)
    previous = [a.member_id for a in holders(db, ticket.id) if a.role == "primary"]
    dispatch(deps, db, ticket, Plan(ticket.route or "grid", previous, [], []), now, actor=actor,
             reason=f"驳回退单：{note}")
    return "已驳回退单，原承办人继续办理。"


def _close(deps: Deps, db: Session, ticket: Ticket, actor: str, member: str, note: str, now: datetime) -> str:
    if not note.strip():
        raise Refused("关闭工单请写明原因。")
    move(db, ticket, "closed", actor, now, action="closed_by_supervisor", note=note)
    cards.ended(db, ticket.id, "已关闭", now)
    deadlines.void(db, ticket.id)
    why = f"{deps.member_name(actor)}关闭：{note.strip()}"
    outbox.to_members(db, [a.member_id for a in holders(db, ticket.id)], key=f"t{ticket.id}:c{ticket.cycle}:closed",
                      text=f"【工单已关闭】{texts.headline(ticket)}\n{why}\n您无需再处理。", now=now, ticket_id=ticket.id)
    tell_reporters(db, ticket, "closed", f"您反映的问题（编号 {ticket.number}）已关闭：{note.strip()}。"
                   "如有疑问可再次反映。", now)
    return "已关闭，承办人和居民已收到关闭原因。"


ACTIONS = {"reassign": _reassign, "transfer_police": _transfer_police, "press": _press,
           "arbitrate": _arbitrate, "close": _close}
