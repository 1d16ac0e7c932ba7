"""Duplicate reports: the same matter reported again in the same grid joins the open ticket."""
import re
from datetime import datetime, timedelta

from sqlmodel import Session, select

from dispatch.labels import OPEN_STATUSES
from models import Ticket

SIMILAR = 0.3  # bigram Jaccard above which two short reports are taken as the same matter
CANDIDATES = 30  # the newest open tickets compared; a burst of reports about one matter is recent
_NOISE = re.compile(r"[\s\W\d_]+")


def bigrams(text: str) -> set[str]:
    """Character bigrams of the text without spaces, punctuation and digits."""
    clean = _NOISE.sub("", text)
    return {clean[i:i + 2] for i in range(len(clean) - 1)} or ({clean} if clean else set())


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of character bigrams, 0..1."""
    x, y = bigrams(a), bigrams(b)
    return len(x & y) / len(x | y) if x and y else 0.0


def find_duplicate(db: Session, *, grid_id: str | None, category: str | None, text: str, place: str | None,
                   now: datetime, window: timedelta) -> Ticket | None:
    """An open ticket in the same grid and category, recent, with similar text or the same place."""
    if not grid_id or not category:
        return None
    recent = db.exec(select(Ticket).where(Ticket.grid_id == grid_id, Ticket.category == category,
                                          Ticket.status.in_(OPEN_STATUSES), Ticket.merged_into_id.is_(None),
                                          Ticket.created_at >= now - window)
                     .order_by(Ticket.created_at.desc()).limit(CANDIDATES)).all()
    for ticket in recent:
        same_place = bool(place and ticket.place and (place in ticket.place or ticket.place in place))
        if same_place or similarity(text, ticket.text) >= SIMILAR:
            return ticket
    return None
