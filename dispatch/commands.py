"""Workers' text commands: 接单 12, 到场 12, 办结 12 已劝离, 退单 12 原因, 转警 12 原因, 转派 12 网格."""
import re
from dataclasses import dataclass

VERBS = {"接单": "accept", "签收": "accept", "到场": "arrive", "到达": "arrive", "办结": "resolve",
         "完成": "resolve", "退单": "return", "转警": "transfer_police", "转派": "transfer_grid",
         "同意转派": "confirm_transfer", "拒绝转派": "reject_transfer"}
# Full-width digits, letters and spaces from phone keyboards; the note keeps its own punctuation.
_HALF_WIDTH = {**{0xFF10 + i: 0x30 + i for i in range(10)}, **{0xFF21 + i: 0x41 + i for i in range(26)},
               **{0xFF41 + i: 0x61 + i for i in range(26)}, 0x3000: 0x20, 0xFF0D: 0x2D}
_PATTERN = re.compile(r"^\s*(" + "|".join(VERBS) + r")\s*(?:(?:GW-?\d{8}-?)?0*(\d+))?\s*[,，:：。.]?\s*(.*)$",
                      re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Command:
    """A parsed command; `ticket_id` is None when the worker left the number out."""

    action: str
    ticket_id: int | None
    note: str


def parse_command(text: str) -> Command | None:
    """The command in a worker's message, or None if it is not one."""
    normal = (text or "").translate(_HALF_WIDTH)
    match = _PATTERN.match(normal)
    if not match:
        return None
    verb, number, note = match.groups()
    return Command(VERBS[verb], int(number) if number else None, note.strip())
