"""What assignees do to a ticket: 接单, 到场, 办结, 退单, 转警, 转派."""
import logging
from datetime import datetime

from sqlmodel import Session

from core.vocabulary import STATUS_NAMES
from core.vocabulary import WORKER_ACTIONS as ACTIONS
from dispatch import cards, deadlines, texts, transfers
from dispatch.api import Outcome
from dispatch.assign import dispatch, holders, start_close_ladder
from dispatch.context import Deps
from dispatch.lifecycle import IllegalMove, Refused, audit, move
from dispatch.permits import refusal
from dispatch.reporters import tell_reporters
from dispatch.routing import Plan
from dispatch.silence import schedule_reminder
from models import Assignment, Ticket, outbox
from models.store import session

log = logging.getLogger(__name__)


def act(deps: Deps, member_id: str, action: str, ticket_id: int, note: str = "", card: str | None = None) -> Outcome:
    """Apply a worker's action if they may; answer in one line either way (and, for a tap on `card`,
    with what that card shows now)."""
    if action not in ACTIONS:
        return Outcome(False, f"不支持的操作：{action}")
    now = deps.clock.now()
    with session(deps.engine) as db:
        ticket = db.get(Ticket, ticket_id, with_for_update=True)  # one action at a time per ticket
        if ticket is None:
            return Outcome(False, f"没有编号为 {ticket_id} 的工单，请核对编号。")
        refused = refusal(deps, db, ticket, member_id, action, ACTIONS[action])
        if refused:
            # someone acting on a ticket that is not theirs: worth a look, so it is logged
            log.warning("action refused", extra={"member": member_id, "action": action, "ticket_id": ticket_id,
                                                 "reason": refused})
            return Outcome(False, refused, ticket_id)
        try:
            shown = cards.tap(db, ticket.id, card, action) if card else None
            reply = HANDLERS[action](deps, db, ticket, member_id, note, now)
        except IllegalMove:
            return Outcome(False, f"{ticket.number} 当前状态（{STATUS_NAMES[ticket.status]}）不能{ACTIONS[action]}。",
                           ticket_id)
        except Refused as why:
            return Outcome(False, str(why), ticket_id)
        db.commit()
    return Outcome(True, reply, ticket_id, card=shown)


def _accept(deps: Deps, db: Session, ticket: Ticket, member_id: str, note: str, now: datetime) -> str:
    move(db, ticket, "accepted", member_id, now, note=note)
    held = holders(db, ticket.id)
    mine = [a for a in held if a.member_id == member_id] or [_take_over(deps, db, ticket, held, member_id, now)]
    for a in mine:
        a.accepted_at = now
        db.add(a)
    cards.accepted(db, ticket.id, member_id, deps.member_name(member_id), now)
    deadlines.void(db, ticket.id, ("accept",))
    start_close_ladder(db, ticket, now)
    schedule_reminder(db, ticket, now)
    tell_reporters(db, ticket, "accepted", texts.reporter_update(ticket, "accepted", deps.member_name(member_id)), now)
    return f"已签收 {texts.headline(ticket)}。到场后回复“到场 {ticket.id}”，完成后回复“办结 {ticket.id} 处理情况”。"


def _take_over(deps: Deps, db: Session, ticket: Ticket, held: list[Assignment], member_id: str,
               now: datetime) -> Assignment:
    """End the current primary assignments and give the ticket to the member who took it over."""
    name = deps.member_name(member_id)
    previous = [a for a in held if a.role == "primary"]
    for a in previous:
        a.active, a.ended_at, a.end_reason = False, now, f"由{name}接手"
        db.add(a)
    audit(db, ticket.id, member_id, "taken_over", now, note=f"{name}接手", previous=[a.member_id for a in previous])
    outbox.to_members(db, [a.member_id for a in previous], key=f"t{ticket.id}:c{ticket.cycle}:taken_over",
                      text=f"【已由他人接手】{texts.headline(ticket)}\n{name}已接手此工单，您无需再处理。",
                      now=now, ticket_id=ticket.id)
    mine = Assignment(ticket_id=ticket.id, member_id=member_id, role="primary", assigned_at=now)
    db.add(mine)
    return mine


def _arrive(deps: Deps, db: Session, ticket: Ticket, member_id: str, note: str, now: datetime) -> str:
    if ticket.status == "dispatched":
        _accept(deps, db, ticket, member_id, note, now)
    move(db, ticket, "in_progress", member_id, now, action="arrived", note=note)
    return f"已记录到场：{ticket.number}。"


def _resolve(deps: Deps, db: Session, ticket: Ticket, member_id: str, note: str, now: datetime) -> str:
    if ticket.status in ("dispatched", "returned"):  # 办结 reports work done: someone must have taken it on
        raise Refused(f"{ticket.number} 尚未签收，不能办结。请先回复“接单 {ticket.id}”，处置后再办结。")
    if not note.strip():
        raise Refused(f"请写明处理情况再办结：回复“办结 {ticket.id} 已劝离，双方和解”这样的一句，之后可再发现场照片。")
    ticket.resolution = note.strip()
    move(db, ticket, "resolved", member_id, now, note=note)
    cards.ended(db, ticket.id, "已办结", now)
    deadlines.void(db, ticket.id)
    deadlines.schedule(db, kind="followup", ticket_id=ticket.id, cycle=ticket.cycle,
                       due_at=now + deps.settings.intake.followup_after)
    tell_reporters(db, ticket, "resolved", texts.reporter_update(ticket, "resolved", note=ticket.resolution), now)
    return f"已办结 {ticket.number}，可继续发送现场照片。"


def _return(deps: Deps, db: Session, ticket: Ticket, member_id: str, note: str, now: datetime) -> str:
    if not note.strip():
        raise Refused(f"请写明退单原因，例如“退单 {ticket.id} 不属本网格”。")
    move(db, ticket, "returned", member_id, now, note=note)
    # The clock keeps running: deadlines stay; a supervisor arbitrates.
    text = f"【退单待裁定】{texts.headline(ticket)}\n{deps.member_name(member_id)}退单：{note}\n请在控制台改派或驳回。"
    outbox.to_members(db, list(deps.settings.station.supervisors), key=f"t{ticket.id}:c{ticket.cycle}:returned",
                      text=text, now=now, ticket_id=ticket.id)
    return f"已退单 {ticket.number}，等待所领导裁定。"


def _transfer_police(deps: Deps, db: Session, ticket: Ticket, member_id: str, note: str, now: datetime) -> str:
    transfer_to_police(deps, db, ticket, member_id, now, note, reason=f"转警：{note}")
    return f"已转警 {ticket.number}，社区民警和值班室已收到。"


def transfer_to_police(deps: Deps, db: Session, ticket: Ticket, actor: str, now: datetime, note: str,
                       reason: str) -> None:
    """转警 (a worker's or a supervisor's): a police matter now, for the village officer and the duty desk."""
    move(db, ticket, "transferred", actor, now, action="transfer_police", note=note)
    ticket.kind, ticket.category = "police", ticket.category if ticket.kind == "police" else "public_order"
    area = deps.directory.area(ticket.grid_id)
    officer = [area.officer] if area else list(deps.settings.station.duty_officers)
    desk = [m for m in deps.settings.station.duty_desk if m not in officer]
    page = list(deps.settings.station.duty_officers) if ticket.urgency == "emergency" else []
    dispatch(deps, db, ticket, Plan("police", officer, desk, page), now, actor=actor, reason=reason)


HANDLERS = {"accept": _accept, "arrive": _arrive, "resolve": _resolve, "return": _return,
            "transfer_police": _transfer_police, "transfer_grid": transfers.transfer_grid,
            "confirm_transfer": transfers.confirm, "reject_transfer": transfers.reject}
