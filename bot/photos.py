"""Photos residents send after reporting: attached to the ticket and logged."""
from dispatch.lifecycle import audit
from models import Ticket
from models.store import session


def attach_resident_photo(ctx, ticket_id: int, resident_id: int, url: str) -> None:
    """Add the photo to the ticket with who sent it and when."""
    now = ctx.clock.now()
    with session(ctx.engine) as db:
        ticket = db.get(Ticket, ticket_id)
        ticket.photos = [*ticket.photos, {"url": url, "by": f"resident:{resident_id}", "at": now.isoformat()}]
        db.add(ticket)
        audit(db, ticket_id, f"resident:{resident_id}", "photo", now, note=url[:200])
        db.commit()
