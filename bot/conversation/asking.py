"""Asking where: the report waits for its place, the answer completes it, or time runs out.

The waiting report is cleared in the same transaction that makes its ticket, so a crash or an
error between the answer and the ticket leaves it waiting: WeChat's retry of the answer, or
the place timeout, still finds it.
"""
from bot.context import BotContext
from bot.conversation import texts, waiting
from bot.conversation.answer import Answer
from bot.conversation.locate import grid_at
from bot.conversation.submitting import receipt_answer, submit
from bot.inbound.incoming import Incoming
from core.clock import utc
from core.faults import crash_point
from models import Resident, outbox
from models.store import session


def ask_for_place(ctx: BotContext, resident: Resident, msg: Incoming, text: str, inbox_id: int | None) -> Answer:
    """Keep the report and ask once where it is."""
    now = ctx.clock.now()
    until = now + ctx.settings.intake.ask_place_timeout
    pending = ctx.privacy.kept(text) | {"chat_id": msg.chat_id, "inbox_id": inbox_id, "channel": msg.channel}
    ctx.dispatcher.schedule("ask_place", str(resident.id), until, {"asked_at": now.isoformat()},
                            also=lambda db: waiting.wait_for_place(db, resident.id, pending, now, until))
    return Answer(texts.ASK_PLACE)


def answer_if_waiting(ctx: BotContext, resident: Resident, msg: Incoming, text: str) -> Answer | None:
    """If a report waits for its place, this message is the answer: complete and submit it."""
    with session(ctx.engine) as db:
        conv = waiting.waiting(db, resident.id)
        pending = dict(conv.pending) if conv else None
    if pending is None:
        return None
    crash_point("place.answered")  # the answer read, the ticket not yet written: the report must survive
    try:
        return place_given(ctx, resident, msg, pending, text)
    except waiting.NoLongerWaiting:
        return None  # another message completed it meanwhile: this one is read on its own


def place_given(ctx: BotContext, resident: Resident, msg: Incoming, pending: dict, answer: str) -> Answer:
    """The answer to "where?": read the place from it and submit the waiting report."""
    grid_id = grid_at(ctx.settings, msg.lat, msg.lng) if msg.msg_type == "location" else None
    place_triage = ctx.classifier.classify(f"{answer}有事")
    place = place_triage.location or answer[:60] or None
    grid_id = grid_id or place_triage.grid_id
    written = ctx.privacy.text_of(pending)
    combined = f"{written}（地点：{place}）" if place else written
    triage = ctx.classifier.classify(combined)
    now = ctx.clock.now()
    return submit(ctx, resident, pending.get("channel", msg.channel), pending.get("chat_id"), pending.get("inbox_id"),
                  combined, triage, place=place, grid_id=grid_id or triage.grid_id,
                  also=lambda db, _receipt: waiting.done(db, resident.id, pending, now))


def give_up_on_place(ctx: BotContext, deadline, now) -> bool:
    """No answer to "where?" in time: route by the registered address, else to human triage."""
    resident_id = int(deadline.subject)
    with session(ctx.engine) as db:
        conv = waiting.waiting(db, resident_id)
        if conv is None or utc(conv.expires_at) > now:
            return False  # answered already, or asked again since
        pending, resident = dict(conv.pending), db.get(Resident, resident_id)
    written = ctx.privacy.text_of(pending)
    triage = ctx.classifier.classify(written)
    chat_id = pending.get("chat_id")

    def tell_and_stop_waiting(db, receipt) -> None:
        waiting.done(db, resident_id, pending, now)
        answer = receipt_answer(ctx.settings, receipt, triage.urgency == "emergency").text
        shown, sealed = ctx.privacy.split(f"没有收到具体位置，已按现有信息派单。{answer}")
        outbox.push(db, key=f"gave_up:{resident_id}:{deadline.id}", audience="resident", recipient=str(resident_id),
                    text=shown, sealed=None if chat_id else sealed, now=now, ticket_id=receipt.ticket_id,
                    extra={"chat_id": chat_id} if chat_id else None)
    try:
        submit(ctx, resident, pending.get("channel", resident.channel), chat_id, pending.get("inbox_id"),
               written, triage, grid_id=resident.home_grid_id, also=tell_and_stop_waiting)
    except waiting.NoLongerWaiting:
        return False
    return True
