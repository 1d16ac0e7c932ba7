"""Duplicate reports: the same matter reported again in the same grid joins the open ticket."""
import re
from datetime import datetime, timedelta

from sqlalchemy import bindparam
from sqlmodel import Session, select

from core.vocabulary import OPEN_STATUSES
from models import Ticket

SIMILAR = 0.3  # bigram Jaccard (places left out) above which two reports are the same matter
SIMILAR_SAME_PLACE = 0.15  # ...when both name the same place
CANDIDATES = 30  # the newest open tickets compared; a burst of reports about one matter is recent
_NOISE = re.compile(r"[\s\W\d_]+")


def bigrams(text: str) -> set[str]:
    """Character bigrams of the text without spaces, punctuation and digits."""
    clean = _NOISE.sub("", text)
    return {clean[i:i + 2] for i in range(len(clean) - 1)} or ({clean} if clean else set())


def similarity(a: str, b: str, ignore: tuple[str | None, ...] = ()) -> float:
    """Jaccard similarity of character bigrams, 0..1, leaving out the `ignore` strings (the places)."""
    for words in ignore:
        if words:
            a, b = a.replace(words, ""), b.replace(words, "")
    x, y = bigrams(a), bigrams(b)
    return len(x & y) / len(x | y) if x and y else 0.0


# Only the columns compared: a report arrives with every message, the full rows are not needed. Built once.
_RECENT = (select(Ticket.id, Ticket.text, Ticket.place)
           .where(Ticket.grid_id == bindparam("grid_id"), Ticket.category == bindparam("category"),
                  Ticket.status.in_(OPEN_STATUSES), Ticket.merged_into_id.is_(None),
                  Ticket.created_at >= bindparam("since"))
           .order_by(Ticket.created_at.desc()).limit(CANDIDATES))


def find_duplicate(db: Session, *, grid_id: str | None, category: str | None, text: str, place: str | None,
                   now: datetime, window: timedelta) -> int | None:
    """The id of an open ticket in the same grid and category, recent, with similar text (less similar at the
    same place); the caller locks it."""
    if not grid_id or not category:
        return None
    recent = db.exec(_RECENT, params={"grid_id": grid_id, "category": category, "since": now - window}).all()
    for ticket_id, other_text, other_place in recent:
        same_place = bool(place and other_place and (place in other_place or other_place in place))
        # What happened is compared without where: two different problems in one stairwell (a
        # charging e-bike, then a blocked fire lane) are two tickets. The same place lowers the bar.
        content = similarity(text, other_text, ignore=tuple(sorted({place, other_place} - {None}, key=len,
                                                                      reverse=True)))
        if content >= (SIMILAR_SAME_PLACE if same_place else SIMILAR):
            return int(ticket_id)
    return None
