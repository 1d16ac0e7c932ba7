"""Hand a resident's report to dispatch and word the receipt."""
from bot import texts
from bot.answer import Answer
from bot.context import BotContext
from bot.people import phones_by_name
from dispatch.api import Report
from models import Resident
from nlp.privacy import mask


def submit(ctx: BotContext, resident: Resident, channel: str, chat_id: str | None, inbox_id: int | None, text: str,
           triage, place: str | None = None, grid_id: str | None = None) -> Answer:
    """Submit the report (masked) and say its number and who will call, with their work phone."""
    report = Report(resident_id=resident.id, channel=channel, text=triage.masked_text or mask(text), triage=triage,
                    chat_id=chat_id, inbox_id=inbox_id, place=place, grid_id=grid_id)
    receipt = ctx.dispatcher.submit(report)
    phones = phones_by_name(ctx.engine, receipt.assignee_names[:2])
    return Answer(texts.receipt_text(receipt, triage.urgency == "emergency", phones), receipt.ticket_id)
