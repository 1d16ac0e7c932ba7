"""Hand a resident's report to dispatch and word the receipt."""
from dataclasses import replace

from bot.context import BotContext
from bot.conversation import texts
from bot.conversation.answer import Answer, shown
from bot.inbound import inbox
from bot.inbound.incoming import Incoming
from bot.inbound.people import phones_by_name
from core.settings import Settings
from dispatch.api import AlsoInTransaction, Receipt, Report
from models import Resident


def submit(ctx: BotContext, resident: Resident, channel: str, chat_id: str | None, inbox_id: int | None, text: str,
           triage, place: str | None = None, grid_id: str | None = None,
           also: AlsoInTransaction | None = None) -> Answer:
    """Submit the report (masked, the text as written sealed; `also` commits with it); say its number and who will call."""
    masked, sealed = ctx.privacy.split(text)
    report = Report(resident_id=resident.id, channel=channel, text=triage.masked_text or masked, triage=triage,
                    sealed=sealed, chat_id=chat_id, inbox_id=inbox_id, place=place, grid_id=grid_id)
    receipt = ctx.dispatcher.submit(report, also)
    return receipt_answer(ctx.settings, receipt, triage.urgency == "emergency")


def submit_answered(ctx: BotContext, resident: Resident, msg: Incoming, inbox_id: int, text: str, triage) -> Answer:
    """submit() for the message its callback answers, the answer recorded on its row in the ticket's transaction
    (instead of a transaction of its own after it): acted on and answered commit together, and a retry of the
    callback gets the answer. Not for the inbox worker: its answers go out only through the outbox, queued after."""
    recorded: list[Answer] = []

    def record(db, receipt: Receipt) -> None:
        answer = receipt_answer(ctx.settings, receipt, triage.urgency == "emergency")
        inbox.record(db.connection(), ctx.privacy, inbox_id, shown(answer.text, msg.in_group), answer.ticket_id)
        recorded.append(replace(answer, recorded=True))
    answer = submit(ctx, resident, msg.channel, msg.chat_id, inbox_id, text, triage, also=record)
    return recorded[0] if recorded else answer


def receipt_answer(settings: Settings, receipt: Receipt, emergency: bool) -> Answer:
    """The receipt in words, with the work phones of who will call."""
    phones = phones_by_name(settings, receipt.assignee_names[:2])
    return Answer(texts.receipt_text(receipt, emergency, phones), receipt.ticket_id)
