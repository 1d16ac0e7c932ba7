"""The conversation with a resident: commands, reports, asking for the place, 回访 answers."""
import logging
import re

from sqlalchemy import bindparam, or_, update

from bot.context import BotContext
from bot.conversation import texts
from bot.conversation.answer import Answer
from bot.conversation.asking import answer_if_waiting, ask_for_place, give_up_on_place  # noqa: F401 - run.py wires it from here
from bot.conversation.submitting import submit, submit_answered
from bot.conversation.suspect import answer_if_confirming, hold_suspect
from bot.conversation.web_form import answer_web
from bot.inbound.incoming import Incoming
from bot.inbound.people import resident_and_state
from bot.media import jobs as media_jobs
from core.clock import utc
from models import Resident
from models.store import one_statement

log = logging.getLogger(__name__)
READABLE = ("text", "voice", "location")
_CANCEL = re.compile(r"^\s*取消\s*(?:编号)?\s*([A-Za-z]{0,2}-?\d{8}-?\d+|\d+)\s*$")
_FEEDBACK = re.compile(r"^\s*(非常满意|满意|不满意|很不满意)[\s，,。:：]*(.*)$", re.DOTALL)
# Built once (every chit-chat message in 1:1 may ask): the help line's cooldown, checked and moved in one
# statement instead of the ORM's read, flush and commit
_RESIDENTS = Resident.__table__
_TAKE_HELP = (update(_RESIDENTS)
              .where(_RESIDENTS.c.id == bindparam("resident_id"),
                     or_(_RESIDENTS.c.last_help_at.is_(None), _RESIDENTS.c.last_help_at <= bindparam("since")))
              .values(last_help_at=bindparam("now")).returning(_RESIDENTS.c.id))


def answer_resident(ctx: BotContext, msg: Incoming, inbox_id: int | None, recorded_with_report: bool = False) -> Answer:
    """Decide the reply to one resident message, acting on it on the way. `recorded_with_report`: a report's
    answer is recorded on the message's row in the ticket's transaction (submit_answered)."""
    now = ctx.clock.now()
    resident, state = resident_and_state(ctx.engine, msg.channel, msg.sender, now)
    if msg.channel == "web":  # the 随手拍 page sends forms, not chat
        return answer_web(ctx, resident, msg, inbox_id)
    if msg.msg_type == "event":
        return Answer(texts.WELCOME if msg.event == "subscribe" else None)
    if msg.msg_type == "image":
        return _photo(ctx, resident, msg)
    if msg.msg_type not in READABLE:
        # video, file, link...: nothing to act on, and it must not answer a pending "where?"
        log.info("message type not handled", extra={"msg_type": msg.msg_type, "channel": msg.channel})
        return Answer(None)
    text = msg.text.strip()
    if not text and msg.msg_type == "voice":  # speech recognition is off in the account
        return Answer(None if msg.in_group else texts.VOICE_UNREADABLE)
    command = _command(ctx, resident, text)
    if command is not None:
        return command
    completed = _answer_to_question(ctx, resident, msg, text, state)
    if completed is not None:
        return completed
    if msg.msg_type == "location":
        return Answer(None if msg.in_group else "已收到您的位置。如需报事，请说明发生了什么。")
    triage = ctx.classifier.classify(text)
    if not triage.is_report:
        if triage.suspected:  # could be a report: the duty desk sees it; in 1:1 the resident is asked
            return hold_suspect(ctx, resident, msg, text, triage, inbox_id)
        return _chit_chat(ctx, resident, msg)
    if triage.location is None and triage.grid_id is None and triage.urgency != "emergency":
        return ask_for_place(ctx, resident, msg, text, inbox_id)
    if inbox_id is None or msg.card_tap or not recorded_with_report:
        return submit(ctx, resident, msg.channel, msg.chat_id, inbox_id, text, triage)
    return submit_answered(ctx, resident, msg, inbox_id, text, triage)


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


def _answer_to_question(ctx: BotContext, resident: Resident, msg: Incoming, text: str,
                        state: str | None) -> Answer | None:
    """The message answers "where?" or "需要帮您登记吗？" if the bot asked (`state`, read with the resident)."""
    if state == "awaiting_place":
        return answer_if_waiting(ctx, resident, msg, text)
    if state == "awaiting_confirm":
        return answer_if_confirming(ctx, resident, msg, text)
    return None


def _photo(ctx: BotContext, resident: Resident, msg: Incoming) -> Answer:
    """A photo joins the resident's newest open report."""
    tickets = ctx.dispatcher.open_tickets(resident.id)
    if not tickets:
        return Answer(None if msg.in_group else texts.HELP)
    ctx.dispatcher.attach_resident_photo(resident.id, tickets[0].id, msg.pic_url or "", ref=media_jobs.ref(msg.msg_key))
    return Answer(texts.PHOTO_ATTACHED.format(number=tickets[0].number), tickets[0].id)


def _chit_chat(ctx: BotContext, resident: Resident, msg: Incoming) -> Answer:
    """Silence in groups; in 1:1, the help line at most once per cooldown."""
    if msg.in_group:
        return Answer(None)
    now = ctx.clock.now()
    if _helped_lately(ctx, resident, now):  # last_help_at only moves forward: the row read first settles it
        return Answer(None)
    # taken in one conditional UPDATE: of two messages at once, only one is helped
    with one_statement(ctx.engine) as connection:
        taken = connection.execute(_TAKE_HELP, dict(resident_id=resident.id, now=now,
                                                    since=now - ctx.settings.intake.help_cooldown)).first()
    return Answer(texts.HELP if taken is not None else None)


def _helped_lately(ctx: BotContext, resident: Resident, now) -> bool:
    return bool(resident.last_help_at) and now - utc(resident.last_help_at) < ctx.settings.intake.help_cooldown
