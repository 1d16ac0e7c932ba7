"""Ids in paths (/console/tickets/{id}, /api/tickets/{id}, /m/t/{id}): ASCII digits of a row id, or nothing.

`str.isdigit` says yes to "²" and to numbers no database column holds; both used to end in a 500.
Here anything else is "no such row", which every caller answers with its own 404.
"""
import re

MAX_ID = 2**31 - 1  # the largest INTEGER key PostgreSQL stores
_DIGITS = re.compile(r"[0-9]{1,10}")


def parse_id(raw: str) -> int | None:
    """The row id written in `raw`, or None when it is not one."""
    if not _DIGITS.fullmatch(raw or ""):
        return None
    value = int(raw)
    return value if 0 < value <= MAX_ID else None
