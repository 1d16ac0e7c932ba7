"""The words people see: categories, urgencies, statuses and routes in Chinese."""

CATEGORY_NAMES = {
    "violence": "打架斗殴/人身伤害", "theft": "盗窃抢劫", "fraud": "电信诈骗", "drugs": "涉毒线索",
    "missing_person": "人员走失", "traffic_accident": "交通事故", "public_order": "治安秩序",
    "fire_emergency": "火灾燃气", "neighbor_dispute": "邻里纠纷", "family_dispute": "家庭纠纷",
    "labor_dispute": "劳资纠纷", "sanitation": "环境卫生", "facility_repair": "设施报修",
    "property_management": "物业管理", "elderly_care": "老人关爱", "stray_animal": "流浪动物",
    "consultation": "政策咨询", "safety_hazard": "安全隐患", "visit": "走访见面", "duty": "例行勤务",
}
POLICE_CATEGORIES = {"violence", "theft", "fraud", "drugs", "missing_person", "traffic_accident",
                     "public_order", "fire_emergency"}
URGENCY_NAMES = {"emergency": "紧急", "urgent": "较急", "normal": "一般"}
STATUS_NAMES = {
    "new": "已受理", "dispatched": "已派单", "accepted": "已签收", "in_progress": "处置中",
    "resolved": "已办结", "followed_up": "已回访", "closed": "已关闭", "returned": "已退单",
    "transferred": "已转派", "reopened": "重新办理", "cancelled": "已撤销",
}
ROUTE_NAMES = {"grid": "网格", "police": "警务", "triage": "人工分拣", "duty_offhours": "非工作时间值班"}
OPEN_STATUSES = ("new", "dispatched", "accepted", "in_progress", "returned", "transferred", "reopened")
DONE_STATUSES = ("resolved", "followed_up", "closed")


def category_name(category: str | None) -> str:
    """A category for people; unknown ones as 待分类."""
    return CATEGORY_NAMES.get(category or "", "待分类")


def ticket_number(ticket_id: int, local_date: str) -> str:
    """GW-20261124-0012: the Shanghai date and the id, so `接单 12` matches the number."""
    return f"GW-{local_date.replace('-', '')}-{ticket_id:04d}"
