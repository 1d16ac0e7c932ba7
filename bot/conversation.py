"""The conversation with a resident: commands, reports, asking for the place, 回访 answers."""
import re
from dataclasses import dataclass

from bot import texts, waiting
from bot.context import BotContext
from bot.incoming import Incoming
from bot.locate import nearest_grid
from bot.people import resident_for
from bot.photos import attach_resident_photo
from core.clock import utc
from dispatch import outbox
from dispatch.api import Report
from models import Resident
from models.store import session
from nlp.privacy import mask

_CANCEL = re.compile(r"^\s*取消\s*(?:编号)?\s*([A-Za-z]{0,2}-?\d{8}-?\d+|\d+)\s*$")
_FEEDBACK = re.compile(r"^\s*(非常满意|满意|不满意|很不满意)[\s，,。:：]*(.*)$", re.DOTALL)


@dataclass(frozen=True)
class Answer:
    """What to say back (None: stay silent) and the ticket it concerns."""

    text: str | None
    ticket_id: int | None = None


def answer_resident(ctx: BotContext, msg: Incoming, inbox_id: int | None) -> Answer:
    """Decide the reply to one resident message, acting on it on the way."""
    now = ctx.clock.now()
    resident = resident_for(ctx.engine, msg.channel, msg.sender, now)
    if msg.msg_type == "event":
        return Answer(texts.WELCOME if msg.event == "subscribe" else None)
    if msg.msg_type == "image":
        return _photo(ctx, resident, msg)
    text = msg.text.strip()
    command = _command(ctx, resident, text)
    if command is not None:
        return command
    with session(ctx.engine) as db:
        conv = waiting.waiting(db, resident.id)
        if conv is not None:
            pending = waiting.done(db, conv, now)
            db.commit()
            return _place_given(ctx, resident, msg, pending, text)
    if msg.msg_type == "location":
        return Answer(None if msg.in_group else "已收到您的位置。如需报事，请说明发生了什么。")
    triage = ctx.classifier.classify(text)
    if not triage.is_report:
        return _chit_chat(ctx, resident, msg)
    if triage.location is None and triage.grid_id is None and triage.urgency != "emergency":
        with session(ctx.engine) as db:
            waiting.wait_for_place(db, resident.id, {"text": text, "chat_id": msg.chat_id, "inbox_id": inbox_id,
                                                     "channel": msg.channel}, now, ctx.settings.intake.ask_place_timeout)
            db.commit()
        return Answer(texts.ASK_PLACE)
    return _submit(ctx, resident, msg.channel, msg.chat_id, inbox_id, text, triage)


def _submit(ctx, resident: Resident, channel, chat_id, inbox_id, text, triage, place=None, grid_id=None) -> Answer:
    report = Report(resident_id=resident.id, channel=channel, text=triage.masked_text or mask(text), triage=triage,
                    chat_id=chat_id, inbox_id=inbox_id, place=place, grid_id=grid_id)
    receipt = ctx.dispatcher.submit(report)
    return Answer(texts.receipt_text(receipt, triage.urgency == "emergency"), receipt.ticket_id)


def _place_given(ctx, resident: Resident, msg: Incoming, pending: dict, answer: str) -> Answer:
    """The answer to "where?": read the place from it and submit the waiting report."""
    grid_id = nearest_grid(ctx.settings, msg.lat, msg.lng) if msg.msg_type == "location" else None
    place_triage = ctx.classifier.classify(f"{answer}有事")
    place = place_triage.location or answer[:60] or None
    grid_id = grid_id or place_triage.grid_id
    combined = f"{pending['text']}（地点：{place}）" if place else pending["text"]
    triage = ctx.classifier.classify(combined)
    return _submit(ctx, resident, pending.get("channel", msg.channel), pending.get("chat_id"), pending.get("inbox_id"),
                   combined, triage, place=place, grid_id=grid_id or triage.grid_id)


def _command(ctx: BotContext, resident: Resident, text: str) -> Answer | None:
    if text in ("查询", "进度", "查进度", "我的事项"):
        return Answer(texts.status_text(ctx.dispatcher.open_tickets(resident.id)))
    cancel = _CANCEL.match(text)
    if cancel:
        outcome = ctx.dispatcher.cancel(resident.id, cancel.group(1))
        return Answer(outcome.message, outcome.ticket_id)
    feedback = _FEEDBACK.match(text)
    if feedback:
        satisfied = feedback.group(1) in ("满意", "非常满意")
        outcome = ctx.dispatcher.feedback(resident.id, satisfied, feedback.group(2).strip())
        if outcome is not None:
            return Answer(outcome.message, outcome.ticket_id)
    return None


def _photo(ctx: BotContext, resident: Resident, msg: Incoming) -> Answer:
    """A photo joins the resident's newest open report."""
    tickets = ctx.dispatcher.open_tickets(resident.id)
    if not tickets:
        return Answer(None if msg.in_group else texts.HELP)
    attach_resident_photo(ctx, tickets[0].id, resident.id, msg.pic_url or "")
    return Answer(texts.PHOTO_ATTACHED.format(number=tickets[0].number), tickets[0].id)


def _chit_chat(ctx: BotContext, resident: Resident, msg: Incoming) -> Answer:
    """Silence in groups; in 1:1, the help line at most once per cooldown."""
    if msg.in_group:
        return Answer(None)
    now = ctx.clock.now()
    with session(ctx.engine) as db:
        row = db.get(Resident, resident.id)
        if row.last_help_at and now - utc(row.last_help_at) < ctx.settings.intake.help_cooldown:
            return Answer(None)
        row.last_help_at = now
        db.add(row)
        db.commit()
    return Answer(texts.HELP)


def give_up_on_place(ctx: BotContext, deadline, now) -> bool:
    """No answer to "where?" in time: route by the registered address, else to human triage."""
    resident_id = int(deadline.subject)
    with session(ctx.engine) as db:
        conv = waiting.waiting(db, resident_id)
        if conv is None or utc(conv.expires_at) > now:
            return False  # answered already, or asked again since
        pending = waiting.done(db, conv, now)
        resident = db.get(Resident, resident_id)
        db.commit()
    triage = ctx.classifier.classify(pending["text"])
    answer = _submit(ctx, resident, pending.get("channel", resident.channel), pending.get("chat_id"),
                     pending.get("inbox_id"), pending["text"], triage, grid_id=resident.home_grid_id)
    with session(ctx.engine) as db:
        outbox.push(db, key=f"gave_up:{resident_id}:{deadline.id}", audience="resident", recipient=str(resident_id),
                    text=f"没有收到具体位置，已按现有信息派单。{answer.text}", now=now, ticket_id=answer.ticket_id,
                    extra={"chat_id": pending["chat_id"]} if pending.get("chat_id") else None)
        db.commit()
    return True
