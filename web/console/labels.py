"""How values look on the console: Shanghai times, durations, Chinese names, percentages.

The Chinese labels shown by the console, /m and the demo: core.vocabulary's (categories,
urgencies, statuses, routes) and the ones only people see here.
"""
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from core.clock import utc
from core.durations import format_duration
from core.vocabulary import CATEGORY_NAMES, KIND_NAMES, ROUTE_NAMES, STATUS_NAMES, URGENCY_NAMES, category_name

ROLE_NAMES = {"supervisor": "所领导", "duty_officer": "值班民警", "officer": "社区民警", "instructor": "网格指导员",
              "grid_leader": "网格长", "grid_worker": "网格员"}
CHANNEL_NAMES = {"mp": "公众号", "work": "企业微信", "robot": "企业微信群", "group": "群聊", "demo": "演示",
                 "web": "随手拍"}
ACTION_NAMES = {
    "reported": "居民报事", "merged": "同一事项再次反映", "scheduled": "生成任务", "dispatched": "派单",
    "accepted": "签收", "arrived": "到场处置", "in_progress": "到场处置", "resolved": "办结", "returned": "退单",
    "transfer_police": "转警", "transfer_grid": "转派", "transferred": "转派", "pressed": "督办",
    "closed_by_supervisor": "所领导关闭", "closed_by_default": "回访未回复，默认满意关闭", "followed_up": "回访",
    "closed": "归档", "reopened": "不满意，重新办理", "cancelled": "居民撤销", "unaccepted": "签收后无响应，收回",
    "escalated": "超时升级", "pushed": "推送", "taken_over": "接手", "reporter_withdrew": "居民撤回",
    "photo": "补充照片", "linked_register": "关联关爱名单", "numbers_revealed": "查看完整号码",
    "media_kept": "照片/语音已保存", "media_failed": "照片/语音下载失败",
}
__all__ = ["CATEGORY_NAMES", "STATUS_NAMES", "URGENCY_NAMES", "KIND_NAMES", "ROUTE_NAMES", "ROLE_NAMES",
           "CHANNEL_NAMES", "ACTION_NAMES", "filters", "local", "readable"]


SOURCE_NAMES = {"watch": "两天必见面", "duty": "例行勤务"}  # tasks nobody reported: triage["source"]
_ID = re.compile(r"[a-z]+(?:[_-][a-z0-9]+)*")


def readable(text: str, areas: dict[str, str] | None = None) -> str:
    """A triage reason with its ids in words: `类别 safety_hazard 0.93` → `类别 安全隐患 0.93`, `→ gh-1` → the grid."""
    names = {**URGENCY_NAMES, **KIND_NAMES, **CATEGORY_NAMES, **SOURCE_NAMES, **(areas or {})}
    return _ID.sub(lambda m: names.get(m.group(0), m.group(0)), text or "")


def local(value: datetime | None, tz: ZoneInfo, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored (UTC) time shown in the configured timezone."""
    return utc(value).astimezone(tz).strftime(fmt) if value else ""


def duration(seconds: float | timedelta | None) -> str:
    """Seconds as 1天2小时 / 35分钟; empty for None."""
    if seconds is None:
        return ""
    return format_duration(seconds if isinstance(seconds, timedelta) else timedelta(seconds=seconds))


def percent(rate: float | None) -> str:
    """0.934 → 93.4%; None (nothing to count) → —."""
    return "—" if rate is None else f"{rate * 100:.1f}%"


def filters(tz: ZoneInfo) -> dict:
    """The template filters."""
    return {"local": lambda v, fmt="%Y-%m-%d %H:%M": local(v, tz, fmt), "dur": duration, "pct": percent,
            "cat": category_name, "status": lambda s: STATUS_NAMES.get(s, s or ""),
            "urgency": lambda u: URGENCY_NAMES.get(u, u or ""), "kind": lambda k: KIND_NAMES.get(k, "待定"),
            "route": lambda r: ROUTE_NAMES.get(r, r or ""), "action": lambda a: ACTION_NAMES.get(a, a),
            "role": lambda r: ROLE_NAMES.get(r, r), "channel": lambda c: CHANNEL_NAMES.get(c, c or ""),
            "reason": readable}
