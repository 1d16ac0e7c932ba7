"""Asking where: the report waits for its place, the answer completes it, or time runs out."""
from bot import texts, waiting
from bot.answer import Answer
from bot.context import BotContext
from bot.incoming import Incoming
from bot.locate import grid_at
from bot.submitting import submit
from core.clock import utc
from dispatch import outbox
from models import Resident
from models.store import session
from nlp.privacy import mask


def ask_for_place(ctx: BotContext, resident: Resident, msg: Incoming, text: str, inbox_id: int | None) -> Answer:
    """Keep the report and ask once where it is."""
    now = ctx.clock.now()
    with session(ctx.engine) as db:
        pending = {"text": text, "chat_id": msg.chat_id, "inbox_id": inbox_id, "channel": msg.channel}
        waiting.wait_for_place(db, resident.id, pending, now, ctx.settings.intake.ask_place_timeout)
        db.commit()
    return Answer(texts.ASK_PLACE)


def answer_if_waiting(ctx: BotContext, resident: Resident, msg: Incoming, text: str) -> Answer | None:
    """If a report waits for its place, this message is the answer: complete and submit it."""
    with session(ctx.engine) as db:
        conv = waiting.waiting(db, resident.id)
        if conv is None:
            return None
        pending = waiting.done(db, conv, ctx.clock.now())
        db.commit()
    return place_given(ctx, resident, msg, pending, text)


def place_given(ctx: BotContext, resident: Resident, msg: Incoming, pending: dict, answer: str) -> Answer:
    """The answer to "where?": read the place from it and submit the waiting report."""
    grid_id = grid_at(ctx.settings, msg.lat, msg.lng) if msg.msg_type == "location" else None
    place_triage = ctx.classifier.classify(f"{answer}有事")
    place = place_triage.location or answer[:60] or None
    grid_id = grid_id or place_triage.grid_id
    combined = f"{pending['text']}（地点：{place}）" if place else pending["text"]
    triage = ctx.classifier.classify(combined)
    return submit(ctx, resident, pending.get("channel", msg.channel), pending.get("chat_id"), pending.get("inbox_id"),
                  combined, triage, place=place, grid_id=grid_id or triage.grid_id)


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
    answer = submit(ctx, resident, pending.get("channel", resident.channel), pending.get("chat_id"),
                    pending.get("inbox_id"), pending["text"], triage, grid_id=resident.home_grid_id)
    text = f"没有收到具体位置，已按现有信息派单。{answer.text}"
    with session(ctx.engine) as db:
        outbox.push(db, key=f"gave_up:{resident_id}:{deadline.id}", audience="resident", recipient=str(resident_id),
                    text=mask(text) if pending.get("chat_id") else text, now=now, ticket_id=answer.ticket_id,
                    extra={"chat_id": pending["chat_id"]} if pending.get("chat_id") else None)
        db.commit()
    return True
