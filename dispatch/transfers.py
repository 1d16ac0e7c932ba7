"""转派 to another grid: a worker asks with a reason; the receiving grid's leader or a supervisor decides.

Until someone decides, the ticket stays with its holder and its ladders keep running. The
request is an audit entry of the ticket's current cycle; its deadline (config
`escalation.transfer_confirm`) alerts the supervisors when the leader has not answered. The
duty desk sorting its triage queue, and supervisors, transfer at once: that is dispatching.
"""
from datetime import datetime

from sqlmodel import Session, select

from core.directory import Area
from core.durations import format_duration
from dispatch import cards, deadlines, texts
from dispatch.assign import dispatch
from dispatch.context import Deps
from dispatch.lifecycle import Refused, audit, move
from dispatch.notices import reach
from dispatch.policy import snapshot
from dispatch.quiet import QuietHours
from dispatch.routing import Plan, pick_worker
from models import AuditLog, Ticket, outbox

KIND = "transfer"


def transfer_grid(deps: Deps, db: Session, ticket: Ticket, member_id: str, note: str, now: datetime) -> str:
    """`转派 12 桂花社区第二网格 原因`: at once from the triage queue or by a supervisor, else asked for."""
    name, _, reason = note.strip().partition(" ")
    area = deps.directory.find_area(name) or deps.directory.find_area(note)
    if area is None:
        raise Refused(f"没有找到网格“{name}”，请写网格名称和原因，例如“转派 {ticket.id} 桂花社区第二网格 事发地属该网格”。")
    reason = reason.strip() if deps.directory.find_area(name) else ""
    sorting = ticket.route == "triage" and member_id in deps.settings.station.duty_desk
    if sorting or member_id in deps.settings.station.supervisors:
        _move_to(deps, db, ticket, area, member_id, f"转派至{area.name}" + (f"：{reason}" if reason else ""), now)
        return f"已转派 {ticket.number} 至{area.name}。"
    if not reason:
        raise Refused(f"转派到其他网格请写明原因，例如“转派 {ticket.id} {area.name} 事发地属该网格”。")
    if pending(db, ticket):
        raise Refused(f"{ticket.number} 已有转派申请等待确认。")
    audit(db, ticket.id, member_id, "transfer_requested", now, note=reason, area=area.area_id, cycle=ticket.cycle)
    within = deps.settings.escalation.transfer_confirm
    asker = deps.member_name(member_id)
    text = (f"【转派待确认】{texts.headline(ticket)}\n{asker}申请转派至{area.name}：{reason}\n"
            f"请在{format_duration(within)}内回复“同意转派 {ticket.id}”或“拒绝转派 {ticket.id} 原因”。")
    card = {"title": f"【转派待确认】{texts.headline(ticket)}", "description": text.split("\n", 1)[1],
            "ticket_id": ticket.id, "number": ticket.number,
            "buttons": [{"key": f"confirm_transfer:{ticket.id}", "text": "同意转派"},
                        {"key": f"reject_transfer:{ticket.id}", "text": "拒绝"}]}
    outbox.to_members(db, [area.leader], key=f"t{ticket.id}:c{ticket.cycle}:transfer_ask", text=text, card=card,
                      now=now, ticket_id=ticket.id)
    due = now + within
    quiet = QuietHours.of(deps.settings)
    if quiet and quiet.contains(due) and ticket.urgency != "emergency":
        due = quiet.end_after(due)  # the supervisors hear of it in the morning, like any non-emergency
    deadlines.schedule(db, kind=KIND, ticket_id=ticket.id, cycle=ticket.cycle, due_at=due)
    return (f"已申请转派 {ticket.number} 至{area.name}，等待{deps.member_name(area.leader)}确认；"
            "确认前仍由您办理。")


def confirm(deps: Deps, db: Session, ticket: Ticket, member_id: str, note: str, now: datetime) -> str:
    """The receiving leader or a supervisor agrees: the ticket goes to the other grid."""
    asked = _asked(deps, db, ticket, member_id)
    area = deps.directory.area(asked.data["area"])
    audit(db, ticket.id, member_id, "transfer_confirmed", now, note=note, cycle=ticket.cycle)
    _move_to(deps, db, ticket, area, member_id, f"同意{deps.member_name(asked.actor)}转派至{area.name}：{asked.note}"
             + (f"（{note}）" if note else ""), now)
    return f"已同意，{ticket.number} 转派至{area.name}。"


def reject(deps: Deps, db: Session, ticket: Ticket, member_id: str, note: str, now: datetime) -> str:
    """The receiving leader or a supervisor says no, with a reason; the holder keeps it."""
    if not note.strip():
        raise Refused(f"请写明不同意的原因，例如“拒绝转派 {ticket.id} 事发地属原网格”。")
    asked = _asked(deps, db, ticket, member_id)
    audit(db, ticket.id, member_id, "transfer_rejected", now, note=note, cycle=ticket.cycle)
    cards.retire(db, ticket.id, lambda _m: "已拒绝转派", now, only=("reject_transfer",))
    deadlines.void(db, ticket.id, (KIND,))
    outbox.to_members(db, [asked.actor], key=f"t{ticket.id}:c{ticket.cycle}:transfer_no", now=now, ticket_id=ticket.id,
                      text=f"【转派未同意】{texts.headline(ticket)}\n{deps.member_name(member_id)}：{note.strip()}\n"
                           "请继续办理。")
    return f"已拒绝转派，{deps.member_name(asked.actor)}继续办理 {ticket.number}。"


def overdue(deps: Deps, db: Session, ticket: Ticket, now: datetime) -> bool:
    """Nobody decided in time: the supervisors are asked to."""
    asked = pending(db, ticket)
    if asked is None:
        return False
    area = deps.directory.area(asked.data["area"])
    text = (f"【转派待确认超时】{texts.headline(ticket)}\n{deps.member_name(asked.actor)}申请转派至{area.name}："
            f"{asked.note}\n{deps.member_name(area.leader)}未按时确认，请回复“同意转派 {ticket.id}”或"
            f"“拒绝转派 {ticket.id} 原因”裁定。")
    for audience, recipient in reach(deps, list(deps.settings.station.supervisors)):
        outbox.push(db, key=f"t{ticket.id}:c{ticket.cycle}:transfer_late:{recipient}", audience=audience,
                    recipient=recipient, text=text, now=now, ticket_id=ticket.id)
    return True


def pending(db: Session, ticket: Ticket) -> AuditLog | None:
    """The transfer request of the current cycle nobody has decided yet."""
    last = db.exec(select(AuditLog).where(AuditLog.ticket_id == ticket.id, AuditLog.action.like("transfer_%"))
                   .order_by(AuditLog.id.desc())).first()
    ok = last is not None and last.action == "transfer_requested" and last.data.get("cycle") == ticket.cycle
    return last if ok else None


def decider_refusal(deps: Deps, db: Session, ticket: Ticket, member_id: str) -> str | None:
    """Only the receiving grid's leader or a supervisor decides a transfer."""
    asked = pending(db, ticket)
    if asked is None:
        return f"{ticket.number} 没有等待确认的转派申请。"
    area = deps.directory.area(asked.data["area"])
    if member_id == (area.leader if area else None) or member_id in deps.settings.station.supervisors:
        return None
    return f"只有{area.name if area else '接收网格'}的网格长或所领导可以确认 {ticket.number} 的转派。"


def _asked(deps: Deps, db: Session, ticket: Ticket, member_id: str) -> AuditLog:
    refused = decider_refusal(deps, db, ticket, member_id)
    if refused:
        raise Refused(refused)
    return pending(db, ticket)


def _move_to(deps: Deps, db: Session, ticket: Ticket, area: Area, actor: str, reason: str, now: datetime) -> None:
    move(db, ticket, "transferred", actor, now, action="transfer_grid", note=reason)
    ticket.grid_id, ticket.village_id = area.area_id, area.village_id
    ticket.kind = ticket.kind or "non_police"
    if ticket.route == "triage":
        ticket.policy = snapshot(deps.settings, ticket.urgency).to_json()
    dispatch(deps, db, ticket, Plan("grid", [pick_worker(db, area)], [], []), now, actor=actor, reason=reason)
