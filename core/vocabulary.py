"""The product's words, defined once: ticket statuses, categories (police or not), kinds, urgencies, routes.

nlp/ labels messages with these categories and urgencies, dispatch/ moves tickets through these
statuses, and the console, reports and texts show their Chinese names.
"""
from enum import StrEnum


class Status(StrEnum):
    """Where a ticket stands. Stored as the plain string; equal to it and hashed like it."""

    NEW = "new"
    DISPATCHED = "dispatched"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    FOLLOWED_UP = "followed_up"
    CLOSED = "closed"
    RETURNED = "returned"
    TRANSFERRED = "transferred"
    REOPENED = "reopened"
    CANCELLED = "cancelled"


STATUS_NAMES: dict[str, str] = {  # keyed by Status, which hashes and compares like its stored string
    Status.NEW: "已受理", Status.DISPATCHED: "已派单", Status.ACCEPTED: "已签收", Status.IN_PROGRESS: "处置中",
    Status.RESOLVED: "已办结", Status.FOLLOWED_UP: "已回访", Status.CLOSED: "已关闭", Status.RETURNED: "已退单",
    Status.TRANSFERRED: "已转派", Status.REOPENED: "重新办理", Status.CANCELLED: "已撤销",
}
# Not yet 办结: someone still has to act.
OPEN_STATUSES = (Status.NEW, Status.DISPATCHED, Status.ACCEPTED, Status.IN_PROGRESS, Status.RETURNED,
                 Status.TRANSFERRED, Status.REOPENED)
# 办结 for the rates: resolved, followed up or closed.
DONE_STATUSES = (Status.RESOLVED, Status.FOLLOWED_UP, Status.CLOSED)

# The categories of the triage contract (README, `run.py classify`), police first.
POLICE_CATEGORIES = ("violence", "theft", "fraud", "drugs", "missing_person", "traffic_accident", "public_order",
                     "fire_emergency")
NON_POLICE_CATEGORIES = ("neighbor_dispute", "family_dispute", "labor_dispute", "sanitation", "facility_repair",
                         "property_management", "elderly_care", "stray_animal", "consultation", "safety_hazard")
CATEGORIES = POLICE_CATEGORIES + NON_POLICE_CATEGORIES
CATEGORY_NAMES = {
    "violence": "打架斗殴/人身伤害", "theft": "盗窃抢劫", "fraud": "电信诈骗", "drugs": "涉毒线索",
    "missing_person": "人员走失", "traffic_accident": "交通事故", "public_order": "治安秩序",
    "fire_emergency": "火灾燃气", "neighbor_dispute": "邻里纠纷", "family_dispute": "家庭纠纷",
    "labor_dispute": "劳资纠纷", "sanitation": "环境卫生", "facility_repair": "设施报修",
    "property_management": "物业管理", "elderly_care": "老人关爱", "stray_animal": "流浪动物",
    "consultation": "政策咨询", "safety_hazard": "安全隐患",
    "visit": "走访见面", "duty": "例行勤务",  # tasks nobody reported: 两天必见面 visits and scheduled duties
}
KIND_NAMES = {"police": "警务类", "non_police": "非警务类"}
URGENCIES = ("emergency", "urgent", "normal")
URGENCY_NAMES = {"emergency": "紧急", "urgent": "较急", "normal": "一般"}
# What an assignee may do to a ticket (card buttons, text commands, /m), in the words on the buttons.
WORKER_ACTIONS = {"accept": "接单", "arrive": "到场", "resolve": "办结", "return": "退单",
                  "transfer_police": "转警", "transfer_grid": "转派", "confirm_transfer": "同意转派",
                  "reject_transfer": "拒绝转派"}
ROUTE_NAMES = {"grid": "网格", "police": "警务", "triage": "人工分拣", "duty_offhours": "非工作时间值班"}


def kind_of(category: str | None) -> str | None:
    """警务类 police or 非警务类 non_police, from the category; None without one."""
    if category is None:
        return None
    return "police" if category in POLICE_CATEGORIES else "non_police"


def category_name(category: str | None) -> str:
    """A category for people; unknown ones as 待分类."""
    return CATEGORY_NAMES.get(category or "", "待分类")
