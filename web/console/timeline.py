"""A ticket's full story: the audit log, the escalations and what each person was pushed, in time order."""
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from core.clock import utc
from core.policy import Policy
from models import AuditLog, Escalation, EscalationNotice, Member, Outbox, Resident, Ticket
from web.console.labels import ACTION_NAMES, STATUS_NAMES

AUDIENCES = {"member": "", "resident": "居民", "supervisors_group": "所领导群"}
SENT_AS = {"template": "模板消息", "subscribe": "订阅通知", "stream": "机器人流式回复"}


@dataclass(frozen=True)
class Step:
    """One line of the timeline."""

    at: datetime
    kind: str  # audit | escalation | push
    title: str
    who: str
    note: str = ""
    detail: str = ""


def timeline(db: Session, ticket_id: int) -> list[Step]:
    """Every step of the ticket, oldest first."""
    members = dict(db.exec(select(Member.id, Member.name)).all())
    residents = dict(db.exec(select(Resident.id, Resident.name)).all())

    def who(actor: str) -> str:
        if actor.startswith("resident:"):
            rid = actor.split(":", 1)[1]
            return "居民" + (residents.get(int(rid), "") if rid.isdigit() else "")
        return "系统" if actor == "system" else members.get(actor, actor)

    steps = [_audit_step(a, who) for a in db.exec(select(AuditLog).where(AuditLog.ticket_id == ticket_id)
                                                  .order_by(AuditLog.id)).all()]
    ticket = db.get(Ticket, ticket_id)
    told: dict[tuple, list[str]] = {}
    for n in db.exec(select(EscalationNotice).where(EscalationNotice.ticket_id == ticket_id)
                     .order_by(EscalationNotice.id)).all():
        told.setdefault((n.kind, n.level, n.cycle), []).append(_delivery(n, members))
    for e in db.exec(select(Escalation).where(Escalation.ticket_id == ticket_id)).all():
        delivered = told.get((e.kind, e.level, e.cycle))
        steps.append(Step(utc(e.fired_at), "escalation", _escalation_title(e, ticket), "系统",
                          detail="提醒：" + ("；".join(delivered) if delivered else
                                          "、".join(members.get(m, m) for m in e.notified))))
    pushes: dict[tuple, list[str]] = {}
    for o in db.exec(select(Outbox).where(Outbox.ticket_id == ticket_id).order_by(Outbox.id)).all():
        to = members.get(o.recipient, o.recipient) if o.channel == "member" else AUDIENCES.get(o.channel, o.channel)
        if o.channel == "resident":
            to = "居民" + (residents.get(int(o.recipient), "") if o.recipient.isdigit() else "")
        # one line per message, however many people got it
        pushes.setdefault((utc(o.created_at), o.payload.get("text", ""), _delivery_state(o)), []).append(to)
    steps += [Step(at, "push", "推送给" + "、".join(people), "系统", note=text, detail=state)
              for (at, text, state), people in pushes.items()]
    return sorted(steps, key=lambda s: (s.at, {"audit": 0, "escalation": 1, "push": 2}[s.kind]))


def _delivery_state(o: Outbox) -> str:
    """已送达 (and how, when not the usual way) / 待发送 / 发送中 / 未送达 with the reason (resident's notices)
    or 发送失败 with the error."""
    if o.status == "sent":
        return "已送达" + (f"（{SENT_AS[o.delivered_as]}）" if o.delivered_as in SENT_AS else "")
    if o.status == "failed":
        reason = (o.last_error or "").strip()
        code, _, words = reason.partition(" ")
        if o.channel == "resident" and code.lstrip("-").isdigit() and words:  # "45015 居民48小时内没有发来消息…"
            return f"未送达：{words}（{code}）"
        return "发送失败" + (f"：{reason}" if reason else "")
    return {"pending": "待发送", "sending": "发送中"}.get(o.status, o.status)


def _delivery(n: EscalationNotice, members: dict[str, str]) -> str:
    """张强 已推送 / 所领导群 暂缓后随汇总推送 / 李明 待推送 / 王芳 未推送（工单已有进展）."""
    who = "所领导群" if n.audience == "supervisors_group" else members.get(n.recipient, n.recipient)
    if n.status == "sent":
        held = n.sent_at and n.created_at and utc(n.sent_at) > utc(n.created_at)
        return f"{who} {'暂缓后随汇总推送' if held else '已推送'}"
    if n.status == "dropped":
        return f"{who} 未推送（工单已有进展）"
    return f"{who} 待推送（静默时段或合并窗口）"


def _escalation_title(e: Escalation, ticket: Ticket | None) -> str:
    """第N级 while on the ladder; past its top the same alert repeats, and says so (再次督办)."""
    what = "签收" if e.kind == "accept" else "办结"
    rungs = len(Policy.of(ticket).ladder(e.kind).steps) if ticket and ticket.policy else 0
    if rungs and e.level >= rungs:
        return f"{what}超时再次督办（第{e.level - rungs + 1}次）"
    return f"{what}超时升级（第{e.level + 1}级）"


def _audit_step(a: AuditLog, who) -> Step:
    title = ACTION_NAMES.get(a.action, a.action)
    detail = ""
    if a.from_status and a.to_status and a.from_status != a.to_status:
        detail = f"{STATUS_NAMES.get(a.from_status, a.from_status)} → {STATUS_NAMES.get(a.to_status, a.to_status)}"
    if a.action == "dispatched" and a.data.get("assignees"):
        detail += "；承办：" + "、".join(who(m) for m in a.data["assignees"])
    return Step(utc(a.at), "audit", title, who(a.actor), note=a.note or "", detail=detail)
