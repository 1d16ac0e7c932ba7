"""The line a page shows after an action: picked by a code in the link (`?msg=reassigned`), never its text.

A link anyone can send must not be able to put words on our page under a green "done" bar, so
the query string only chooses among these.
"""
from collections.abc import Mapping

from web.console.triage_desk import FILED, IGNORED

BANNERS: dict[str, tuple[bool, str]] = {  # code → (good news?, what the page says)
    "reassigned": (True, "已改派给{holder}，新承办人会收到任务通知。"),
    "return_rejected": (True, "已驳回退单，原承办人继续办理。"),
    "transferred": (True, "已转警。"),
    "pressed": (True, "已督办，承办人会收到督办通知。"),
    "closed": (True, "已关闭，承办人和居民已收到关闭原因。"),
    "corrected": (True, "已记录分拣纠正，下次训练会学到。"),
    "filed": (True, FILED),
    "ignored": (True, IGNORED),
    "decided_already": (False, "该条已由他人处理。"),
    "unlocked": (True, "已解除锁定。"),
    "not_locked": (False, "该锁定已到期或已被解除。"),
}


def banner(query: Mapping[str, str], **facts: str) -> dict[str, object]:
    """The template's `flash` and `ok` for the code in `?msg=`; nothing for an unknown code.
    `facts` fill the text's blanks from the page's own data (the ticket's holder), never from the link."""
    ok, text = BANNERS.get(str(query.get("msg", "")), (False, ""))
    return {"flash": text.format_map(facts) if facts else text, "ok": ok}


def action_code(action: str, member: str) -> str:
    """The code for a supervisor's action that dispatch carried out."""
    if action == "arbitrate":
        return "reassigned" if member else "return_rejected"
    return {"reassign": "reassigned", "transfer_police": "transferred", "press": "pressed", "close": "closed"}[action]
