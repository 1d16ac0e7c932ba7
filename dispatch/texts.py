"""Messages for phones: ticket number, category, place, how long, and the one-tap replies."""
from datetime import timedelta
from typing import Any

from core.durations import format_duration
from core.vocabulary import URGENCY_NAMES, category_name
from models import Ticket


def headline(t: Ticket) -> str:
    """GW-20261124-0012 · 安全隐患 · 较急 · 锦绣花园3栋"""
    parts = [t.number, category_name(t.category), URGENCY_NAMES.get(t.urgency, "一般")]
    return " · ".join(parts + ([t.place] if t.place else []))


def task_card(t: Ticket, accept_within: timedelta | None, *, cc: bool = False, story: tuple[str, ...] = (),
              nth: int = 1) -> tuple[str, dict[str, Any]]:
    """The task pushed to an assignee: text fallback and a card with 接单/办结 buttons.

    A ticket that changed hands carries its story (who handed it over and why, the last
    handling); a reopened one says which round of handling this is.
    """
    kind = "【抄送】" if cc else (f"【重办·第{nth}次办理】" if nth > 1 else "【新工单】")
    title = kind + headline(t)
    told = "".join(f"{line}\n" for line in story)
    limit = f"请在{format_duration(accept_within)}内签收。" if accept_within and not cc else ""
    text = (f"{title}\n{told}内容：{t.text[:200]}\n{limit}"
            f"回复“接单 {t.id}”签收，“办结 {t.id} 处理情况”办结，“退单 {t.id} 原因”退单。")
    card = {"title": title, "description": (told + t.text)[:300], "ticket_id": t.id, "number": t.number,
            "buttons": [{"key": f"accept:{t.id}", "text": "接单"}, {"key": f"resolve:{t.id}", "text": "办结"}]}
    return text, card


def emergency_page(t: Ticket) -> str:
    """The page to the duty officer for an emergency."""
    return f"【紧急警情】{headline(t)}\n{t.text[:200]}\n请立即处置，回复“接单 {t.id}”签收。"


SUMMARY_LINES = 20  # tickets listed in one 督办 summary; a phone screen or two


def overdue_alert(t: Ticket, ladder: str, elapsed: timedelta, limit: timedelta, late: list[str], top: bool,
                  repeat: tuple[int, int] | None = None) -> tuple[str, dict[str, Any] | None]:
    """An escalation alert: who is late with what, by how long, and (not yet accepted) a 接手 button.

    `late` are the people the ladder waits on (never the recipient); `repeat` is (n, max) for
    the top step's n-th repeat, so the reader knows the pushes stop.
    """
    prefix = "【督办】" if top else "【超时提醒】"
    who = "、".join(late) or "承办人"
    again = f"\n第{repeat[0]}次再次督办（共{repeat[1]}次，此后列入每日督办清单）" if repeat else ""
    late_line = f"{prefix}{headline(t)}\n{_lateness(ladder, elapsed, limit, who)}{again}\n"
    if ladder != "accept":
        return late_line + f"请督促{who}尽快办结。", None
    text = late_line + f"请督促{who}签收，或回复“接单 {t.id}”直接接手。"
    card = {"title": f"{prefix}{headline(t)}", "description": text.split("\n", 1)[1], "ticket_id": t.id,
            "number": t.number, "buttons": [{"key": f"accept:{t.id}", "text": "接手"}]}
    return text, card


def overdue_line(t: Ticket, ladder: str, elapsed: timedelta, limit: timedelta, late: list[str]) -> str:
    """One ticket's line in a 督办 summary."""
    return f"{headline(t)}\n   {_lateness(ladder, elapsed, limit, '、'.join(late) or '承办人')}"


def overdue_summary(lines: list[str], night: bool, total: int) -> str:
    """Several alerts for one person in one push (a batching window, or the end of quiet hours);
    `lines` are the first SUMMARY_LINES of `total` tickets."""
    head = (f"【夜间督办汇总】夜间暂缓推送的 {total} 件工单超时：" if night
            else f"【督办汇总】{total} 件工单超时：")
    listed = [f"{i}. {line}" for i, line in enumerate(lines[:SUMMARY_LINES], start=1)]
    more = [f"……另有 {total - len(listed)} 件，见控制台看板。"] if total > len(listed) else []
    return "\n".join([head, *listed, *more, "请督促承办人；未签收的可回复“接单 编号”直接接手。"])


def _lateness(ladder: str, elapsed: timedelta, limit: timedelta, who: str) -> str:
    what = "签收" if ladder == "accept" else "办结"
    over = elapsed - limit
    # The first rung fires on the dot: "超时0秒" would read as a glitch on a phone.
    overdue = f"已超时{format_duration(over)}" if over >= timedelta(minutes=1) else "已到时限"
    return f"{who}仍未{what}：派单已{format_duration(elapsed)}（{what}时限{format_duration(limit)}，{overdue}）"


def silent_reminder(t: Ticket, window: timedelta) -> str:
    """To the acceptor who went quiet: answer or lose the ticket."""
    return (f"【办理提醒】{headline(t)} 即将到办结时限。\n请回复“到场 {t.id}”或“办结 {t.id} 处理情况”；"
            f"{format_duration(window)}内无回复将收回重派。")


REPORTER_UPDATES = {
    "accepted": "您反映的问题（编号 {number}）已由{who}签收，正在处理。",
    "resolved": "您反映的问题（编号 {number}）已办结：{note}。",
    "followup": "请问您对编号 {number} 的处理结果满意吗？请回复“满意”或“不满意+原因”。",
    "reopened": "收到您的意见，编号 {number} 已重新派单办理。",
}


def reporter_update(t: Ticket, event: str, who: str = "", note: str = "") -> str:
    """What the reporter hears at each step."""
    template = REPORTER_UPDATES.get(event, "编号 {number}：{note}")
    return template.format(number=t.number, who=who, note=note or "已处理")
