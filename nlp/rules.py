"""Rules in front of the model where rules are safer: emergencies, police terms, non-report cues."""
import re
from dataclasses import dataclass

# Life or safety at risk right now → advise 110/119/120 and page the duty officer.
EMERGENCY = {
    "fire_emergency": ["着火", "起火", "失火", "火灾", "冒烟", "冒黑烟", "浓烟", "烧起来", "火很大", "煤气味", "燃气味",
                       "天然气味", "煤气泄漏", "燃气泄漏", "漏气", "爆炸", "自燃", "火苗"],
    "violence": ["持刀", "拿刀", "拿着刀", "砍人", "捅人", "被捅", "动刀", "杀人", "菜刀", "流血", "好多血", "满头是血",
                 "见血", "架在", "打得倒在地上", "不动了", "砸了头", "头破血流", "昏迷", "不省人事", "有人受伤"],
    "elderly_care": ["晕倒", "昏倒", "倒地不起", "叫不醒", "没有呼吸", "没呼吸", "摔倒了起不来", "倒在家门口"],
    "missing_person": ["孩子不见了", "小孩不见了", "娃不见了", "孩子丢了", "小孩丢了", "一下子就不见了", "一转身孩子"],
    "traffic_accident": ["卷进车底", "被卡住", "躺在地上", "受伤躺", "人没动", "叫救护车", "撞飞", "压在车下"],
    "public_order": ["救命", "跳楼", "要跳", "轻生", "自杀", "割腕", "溺水", "落水", "掉河里", "掉水里", "绑架", "抢孩子"],
}
# Strong signs of a police matter: used to keep police recall high when the model hesitates.
POLICE_TERMS = {
    "violence": ["打人", "打架", "殴打", "被打", "打起来", "打伤", "打我", "家暴", "打老婆", "斗殴", "群殴", "打群架",
                 "持刀", "砍人", "捅"],
    "theft": ["被偷", "偷了", "小偷", "被盗", "盗窃", "扒了", "抢了", "抢劫", "撬门", "撬锁", "入室", "偷电", "偷东西",
              "偷走", "拧门把手"],
    "fraud": ["诈骗", "骗子", "被骗", "骗了", "刷单", "安全账户", "冒充", "验证码", "杀猪盘", "转账"],
    "drugs": ["吸毒", "毒品", "冰毒", "大麻", "针管", "针头", "溜冰", "贩毒", "注射器", "罂粟", "笑气", "违禁药", "摇头丸",
              "锡纸", "白色粉末"],
    "missing_person": ["走丢", "走失", "失踪", "没回来", "没回家", "联系不上", "找不到家", "失联", "不见了", "离家出走",
                       "跑出去", "关机", "走散", "迷路", "没下来", "找不着家"],
    "traffic_accident": ["车祸", "撞车", "追尾", "被撞", "撞了", "肇事", "逃逸", "翻车", "剐蹭", "酒驾"],
    "public_order": ["赌博", "聚赌", "赌场", "醉汉", "喝醉", "闹事", "可疑", "偷拍", "骚扰", "跟踪", "传销", "耍酒疯",
                     "收保护费", "砸东西"],
    "fire_emergency": ["着火", "起火", "火灾", "煤气味", "燃气味", "漏气", "冒烟", "爆炸"],
}
# Shapes of an emergency that no single word carries: a child just vanished, people trapped.
EMERGENCY_PATTERNS = {
    "missing_person": re.compile(r"(孩子|小孩|娃|闺女|女儿|儿子)[^。！？]{0,10}(不见了|丢了|走丢了|找不到了|走散了)"),
    "traffic_accident": re.compile(r"(变形|卡住|压住|困在)[^。！？]{0,8}(里面有人|人出不来)|撞[^。！？]{0,10}(里面有人|人出不来)"),
    "fire_emergency": re.compile(r"(引燃|烧着了|烧到|蔓延)"),
}
NEGATION = re.compile(r"(没有|没|不是|并没|未|别|假的|不会|防止|预防|防范|如何|怎么办|如果|要是|万一|以前|以防|避免)[^，。！？\s]{0,4}$")
NOT_A_REPORT_CONTEXT = ["演练", "演习", "电视剧", "电视上", "电影", "剧里", "小说", "新闻", "讲座", "宣传", "宣讲", "培训",
                        "警方提醒", "温馨提示", "知识", "科普", "游戏里", "梦见", "纪录片", "转发", "通知", "抖音上"]


@dataclass(frozen=True)
class RuleHits:
    """What the rules saw: an emergency (and its category), police terms, non-report context."""

    emergency: str | None
    emergency_term: str | None
    police: dict[str, list[str]]
    context: list[str]

    def reasons(self) -> list[str]:
        """Readable reasons."""
        out = []
        if self.emergency_term:
            out.append(f"紧急词：{self.emergency_term}")
        for category, terms in self.police.items():
            out.append(f"警务词（{category}）：{'、'.join(terms)}")
        if self.context:
            out.append(f"非报事语境：{'、'.join(self.context)}")
        return out


def apply_rules(text: str) -> RuleHits:
    """Find affirmed emergency and police terms (negated ones and drills/TV/lectures don't count)."""
    context = [c for c in NOT_A_REPORT_CONTEXT if c in text]
    emergency = term = None
    if not context:
        for category, terms in EMERGENCY.items():
            hit = next((t for t in terms if _affirmed(text, t)), None)
            if hit:
                emergency, term = category, hit
                break
        for category, pattern in EMERGENCY_PATTERNS.items():
            match = pattern.search(text) if emergency is None else None
            if match and not NEGATION.search(text[max(0, match.start() - 8):match.start()]):
                emergency, term = category, match.group()
    police = {c: [t for t in terms if _affirmed(text, t)] for c, terms in POLICE_TERMS.items()}
    return RuleHits(emergency, term, {c: t for c, t in police.items() if t}, context)


def _affirmed(text: str, term: str) -> bool:
    """The term occurs at least once without a negation just before it."""
    start = text.find(term)
    while start != -1:
        if not NEGATION.search(text[max(0, start - 8):start]):
            return True
        start = text.find(term, start + 1)
    return False
