"""Writing a delivery's outcome onto its outbox row: one UPDATE, built once, the row not loaded first.

Every push ends here, so the row is not read back to be changed (a round trip each): the statement is
Core on the table with the values bound at execution, and a value given as None keeps the column's own.
"""
from datetime import datetime

from sqlalchemy import Boolean, bindparam, func, or_, update
from sqlalchemy.engine import Connection

from models import Outbox

_TABLE = Outbox.__table__
_C = _TABLE.c


def _or_kept(name: str, column):
    """The bound value, or the column's own where None is bound."""
    return func.coalesce(bindparam(name, type_=column.type), column)


# Bound names differ from the columns': a name that is a column's is reserved for that column's value.
_FINISH = update(_TABLE).where(_C.id == bindparam("row_id")).values(
    status=bindparam("new_status"), last_error=bindparam("error"), lease_until=None, send_started_at=None,
    ambiguous=or_(_C.ambiguous, bindparam("now_ambiguous", type_=Boolean)), delivered_as=bindparam("via"),
    next_attempt_at=_or_kept("retry_at", _C.next_attempt_at), sent_at=_or_kept("went_at", _C.sent_at),
    response_code=_or_kept("code", _C.response_code), code_at=_or_kept("code_came", _C.code_at))
# The demo page's pushes are marked as its own in the payload, for what the demo's feeds may show (demo/scope.py)
_FINISH_ON_DEMO_PAGE = _FINISH.values(payload=bindparam("marked_payload"))


def finish(connection: Connection, row_id: int, status: str, retry_at: datetime | None, error: str | None,
           sent_at: datetime | None = None, response_code=None, delivered_as: str | None = None,
           ambiguous: bool = False, payload: dict | None = None) -> None:
    """Settle a row: its status and error, the lease and send mark cleared; `ambiguous` only ever sets the
    flag; retry_at, sent_at and a button card's response_code (it updates the card once, within 72 h:
    bot/outbound/card_updates.py) only when given; `payload` replaces the row's (the demo page's mark)."""
    params = dict(row_id=row_id, new_status=status, error=error, now_ambiguous=ambiguous, via=delivered_as,
                  retry_at=retry_at, went_at=sent_at, code=str(response_code) if response_code else None,
                  code_came=sent_at if response_code else None)
    if payload is None:
        connection.execute(_FINISH, params)
    else:
        connection.execute(_FINISH_ON_DEMO_PAGE, params | dict(marked_payload=payload))
