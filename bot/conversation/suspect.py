"""疑似报事: a message triage would not call a report but could be one. Never dropped silently.

In a group the bot stays quiet and the duty desk sees the message in the console (立案/忽略).
In a 1:1 chat the bot also asks the resident once whether to register it; a yes files it.
"""
import dataclasses
import re

from sqlmodel import select

from bot.context import BotContext
from bot.conversation.answer import Answer
from bot.conversation.submitting import submit
from bot.inbound.incoming import Incoming
from core.clock import utc
from models import Conversation, Resident, SuspectReport
from models.rows import insert_ignore
from models.store import session
from models.triage_desk import settle

ASK = "需要帮您登记吗？回复“需要”即登记，值班人员会尽快处理。"
DECLINED = "好的，不登记。如有需要随时发消息说明在哪、发生了什么。"
_YES = re.compile(r"^\s*(需要|要|是|是的|对|好|好的|登记|麻烦了|嗯|嗯嗯)\s*[。！!，,]?\s*$")
_NO = re.compile(r"^\s*(不用|不需要|不要|不|没事|算了|不用了)\s*[。！!，,]?\s*$")


def hold_suspect(ctx: BotContext, resident: Resident, msg: Incoming, text: str, triage,
                 inbox_id: int | None) -> Answer:
    """Keep the message for the duty desk; in 1:1 ask the resident whether to register it."""
    now = ctx.clock.now()
    with session(ctx.engine) as db:
        shown, sealed = ctx.privacy.split(text)
        row = dict(inbox_id=inbox_id, resident_id=resident.id, channel=msg.channel, chat_id=msg.chat_id,
                   text=triage.masked_text or shown, text_sealed=sealed, triage=_record(triage), status="open",
                   created_at=now)
        if inbox_id is None:
            suspect = SuspectReport(**row)
            db.add(suspect)
            db.flush()
        else:  # the same stored message processed twice is one row
            insert_ignore(db, SuspectReport, row, ["inbox_id"])
            suspect = db.exec(select(SuspectReport).where(SuspectReport.inbox_id == inbox_id)).one()
        if not msg.in_group:
            conv = db.get(Conversation, resident.id) or Conversation(resident_id=resident.id)
            conv.state, conv.updated_at = "awaiting_confirm", now
            conv.pending = {"suspect_id": suspect.id, **ctx.privacy.kept(text), "inbox_id": inbox_id,
                            "channel": msg.channel}
            conv.expires_at = now + ctx.settings.intake.ask_place_timeout
            db.add(conv)
        db.commit()
    return Answer(None if msg.in_group else ASK)


def answer_if_confirming(ctx: BotContext, resident: Resident, msg: Incoming, text: str) -> Answer | None:
    """The resident's answer to "需要帮您登记吗？": yes files it, no dismisses it, anything else is read afresh."""
    now = ctx.clock.now()
    with session(ctx.engine) as db:
        conv = db.get(Conversation, resident.id)
        if conv is None or conv.state != "awaiting_confirm" or not conv.pending:
            return None
        pending = dict(conv.pending)
        fresh = conv.expires_at is None or utc(conv.expires_at) > now
        conv.state, conv.pending, conv.expires_at, conv.updated_at = "idle", {}, None, now
        db.add(conv)
        yes, no = fresh and _YES.match(text) is not None, fresh and _NO.match(text) is not None
        if no:  # unless the desk has filed it meanwhile
            settle(db, pending["suspect_id"], "ignored", "resident", now)
        db.commit()
    if no:
        return Answer(DECLINED)
    if not yes:
        return None
    written = ctx.privacy.text_of(pending)
    triage = ctx.classifier.classify(written)
    triage = dataclasses.replace(triage, is_report=True, suspected=False, needs_human=True)
    # the resident's yes files it even if the desk had dismissed it; the suspect learns its ticket with the ticket
    return submit(ctx, resident, pending.get("channel", msg.channel), None, pending.get("inbox_id"), written,
                  triage, also=lambda db, receipt: settle(db, pending["suspect_id"], "filed", "resident", now,
                                                          receipt.ticket_id, only_open=False))


def _record(triage) -> dict:
    fields = ("is_report", "kind", "category", "urgency", "location", "confidence", "suspected")
    return {f: getattr(triage, f, None) for f in fields} | {"reasons": list(getattr(triage, "reasons", ()) or ())}
