"""Hand a resident's report to dispatch and word the receipt."""
from sqlmodel import Session

from bot.context import BotContext
from bot.conversation import texts
from bot.conversation.answer import Answer
from bot.inbound.people import phones_by_name
from dispatch.api import AlsoInTransaction, Receipt, Report
from models import Resident
from models.store import session
from nlp.privacy import mask


def submit(ctx: BotContext, resident: Resident, channel: str, chat_id: str | None, inbox_id: int | None, text: str,
           triage, place: str | None = None, grid_id: str | None = None,
           also: AlsoInTransaction | None = None) -> Answer:
    """Submit the report (masked; `also` commits with it) and say its number and who will call."""
    report = Report(resident_id=resident.id, channel=channel, text=triage.masked_text or mask(text), triage=triage,
                    chat_id=chat_id, inbox_id=inbox_id, place=place, grid_id=grid_id)
    receipt = ctx.dispatcher.submit(report, also)
    with session(ctx.engine) as db:
        return receipt_answer(db, receipt, triage.urgency == "emergency")


def receipt_answer(db: Session, receipt: Receipt, emergency: bool) -> Answer:
    """The receipt in words, with the work phones of who will call."""
    phones = phones_by_name(db, receipt.assignee_names[:2])
    return Answer(texts.receipt_text(receipt, emergency, phones), receipt.ticket_id)
