"""Keep every reporter of a ticket informed (merged duplicates included)."""
from datetime import datetime

from sqlmodel import Session, select

from models import Ticket, TicketReporter, outbox


def tell_reporters(db: Session, ticket: Ticket, event: str, text: str, now: datetime) -> int:
    """Queue `text` to each reporter once per ticket, cycle and event.

    The payload names the notice and the ticket: a channel that cannot carry free text to the resident
    right now (the Official Account past its 48 hours) sends the important ones as a template instead.
    """
    sent = 0
    for reporter in db.exec(select(TicketReporter).where(TicketReporter.ticket_id == ticket.id)).all():
        extra = {"notice": event, "number": ticket.number} | ({"chat_id": reporter.chat_id} if reporter.chat_id else {})
        sent += outbox.push(db, key=f"t{ticket.id}:c{ticket.cycle}:{event}:r{reporter.resident_id}",
                            audience="resident", recipient=str(reporter.resident_id), text=text, now=now,
                            ticket_id=ticket.id, extra=extra)
    return sent
