"""Find the place in a message (the span as written) by its shape: 小区+栋, 村+组, 路, landmarks.

`Gazetteer` (the configured places and grid resolution) lives in nlp.gazetteer and is
re-exported here, so callers can build one with `nlp.places.Gazetteer.from_entries(entries)`.
"""
import re
from collections.abc import Sequence
from dataclasses import dataclass

from nlp.gazetteer import Gazetteer

__all__ = ["Gazetteer", "Span", "best_span", "find_spans", "shape_spans"]

NUM = r"(?:\d{1,4}|[一二三四五六七八九十两零百]{1,4})"
ESTATE = (r"(?:小区|花园|家园|嘉园|公寓|大厦|新村|新城|山庄|广场|名苑|雅苑|雅居|华庭|公馆|府邸|苑|里|园|庭|府|湾|城|居|阁|坊|宿舍|安置房|还建房)")
UNIT = (rf"(?:{NUM}(?:栋|幢|号楼|座|区|期|单元|楼|层|号|室|户|组|排|弄)|[A-Za-z]座|地下车库|车库|楼道|楼梯间|电梯|门口|大门|东门|西门|南门|北门|侧门|后门|楼下|楼顶|天台|停车场|对面|旁边|附近|后面|里面|外面|边上|路口)")
SUFFIX = r"(?:门口|对面|旁边|附近|后面|外面|里面|边上|楼下|路口|交叉口|口)"
# the landmarks a place is named by (菜市场门口, 村委会旁边), also whole words to nlp/whole_words.py
LANDMARK_WORDS = ("菜市场", "农贸市场", "市场", "超市", "商场", "学校", "小学", "中学", "幼儿园", "医院",
                  "卫生院", "诊所", "药店", "公园", "广场", "车站", "汽车站", "公交站", "加油站", "银行",
                  "网吧", "棋牌室", "麻将馆", "KTV", "酒吧", "饭店", "餐馆", "烧烤摊", "夜市", "工地",
                  "厂", "工厂", "停车场", "河边", "河堤", "桥下", "桥头", "大桥", "池塘", "水库", "村口",
                  "村委会", "村部", "社区服务中心", "居委会", "派出所", "快递站", "驿站", "垃圾站", "菜地",
                  "田坎", "山上", "小卖部", "便利店", "理发店", "路口", "十字路口", "红绿灯", "地下通道", "天桥",
                  "巷子", "胡同", "楼道", "楼下", "电梯", "地下车库", "弯道", "拐弯", "转弯", "下坡", "上坡",
                  "机耕道", "水渠", "田坝", "河滩", "堤坝", "灶房", "晒坝", "院坝", "林场", "后山", "坡",
                  "沟", "变压器", "菜场", "社区卫生服务中心", "社区卫生服务站", "卫生服务中心", "卫生服务站", "卫生站",
                  "卫生室", "服务站", "候诊区", "候诊室", "输液室", "输液大厅", "药房", "急诊", "信用社",
                  "乡政府", "镇政府", "邮政所", "敬老院", "养老院", "老干所", "家属院", "家属区", "大院", "江边",
                  "湖边", "海边", "风光带", "大堤", "台阶", "码头", "立交", "地铁站", "售楼部", "售楼处",
                  "写字楼", "岗亭", "门卫室", "门岗", "车棚", "地库", "充电桩", "绿化带", "早市", "仓库",
                  "戏台", "坟地", "菜园子", "出租屋", "握手楼", "牌坊", "化粪池", "村头", "村尾", "庄口",
                  "巷口", "巷尾", "后巷")
LANDMARK = "(?:" + "|".join(LANDMARK_WORDS) + ")"
_NAME = r"[\u4e00-\u9fa5A-Za-z0-9]"
# a village name's character: not a number, pronoun or function word (二楼, 这楼, 赶集, 收集 are no villages)
_VILLAGE = r"(?:(?![一二三四五六七八九十两几这那哪俺我你他她咱们的了在是去到赶收召采募密])[\u4e00-\u9fa5])"
STOP_CHARS = set("的在了我你他她它们是有这那到去从给和跟说个就都也又还很太把被让叫往向对于看听想要会能可以吗呢吧啊呀哦嘛么喺")
# Each pattern with what every match of it holds (its anchor) and how far into the match the anchor may
# start: the pattern is tried only at those starts (`_matches`), which gives finditer's answers at a
# fraction of its cost (the lazy name prefix made the engine try every alternative at every character);
# nlp/relative.py tries its phrases the same way.
_PATTERNS = [
    (re.compile(rf"{_NAME}{{1,8}}?村{NUM}(?:组|社|队)(?:{UNIT}|{SUFFIX})*"), "村", 8),
    (re.compile(rf"(?<![\u4e00-\u9fa5]){NUM}(?:组|社|队)(?:{NUM}号)?"), "组|社|队", 4),  # 一组二十号: a village's own group

    (re.compile(rf"{_NAME}{{1,8}}?{ESTATE}(?:{UNIT})*"), ESTATE, 8),
    (re.compile(rf"{_NAME}{{1,6}}?(?:路(?![灯面过人费况线上边])|街(?![道上坊])|大道|大街|巷|胡同)(?:{NUM}号)?(?:(?:和|与|跟){_NAME}{{1,6}}?(?:路|街|大道))?(?:{SUFFIX})?"),
     "路|街|大道|巷|胡同", 6),
    (re.compile(rf"{_NAME}{{0,6}}?{LANDMARK}(?:{SUFFIX})*"), LANDMARK, 6),
    (re.compile(rf"(?:{NUM}(?:栋|幢|号楼|单元))(?:{UNIT})*"), "栋|幢|号楼|单元", 4),
    (re.compile(rf"{_NAME}{{1,4}}村(?:{SUFFIX})?"), "村", 4),
    # a room or a floor on its own (501房, 九楼), a gate post (2号岗, 东门岗), a parking bay (B2-117)
    (re.compile(rf"(?<![0-9])(?:\d{{3,4}}(?:房|室)|{NUM}楼(?![上下梯道顶盘房宇])|(?:{NUM}号|[东西南北]门)岗(?:亭)?|"
                r"[Bb]\d(?:-\d{1,4})?)"), "房|室|楼|岗|[Bb]\\d", 4),
    # a village or market town by its name (前王庄, 孙集, 付楼, 高寨), where a word says it is a place:
    # after 在/叫/是/去 or opening the message, with its end (东头, 集上)
    (re.compile(rf"(?:(?<=[在叫是去到住的\s，,。：:])|^)(?:{_NAME}{{1,3}}[镇乡])?{_VILLAGE}{{1,3}}?"
                r"(?:庄|集|楼|寨|营|屯|圩|塘)(?:东头|西头|南头|北头|庄口|村口|集上|街上)?"), "庄|集|楼|寨|营|屯|圩|塘", 7),
    # a district and the place in it, written first (武侯区簇桥, 龙泉驿区十陵街道): up to the next pause
    (re.compile(r"(?:(?<=[\s，,。：:])|^)[\u4e00-\u9fa5]{1,4}?(?<![小社园校厂景片山矿灾辖郊地专禁营住库生])区"
                r"[\u4e00-\u9fa5]{2,10}?(?=[\s，,。：:！!？?]|$|那边|那个|这边|旁边|有个|有人)"), "区", 5),
]
_ANCHORS = [re.compile(anchor) for _, anchor, _ in _PATTERNS]


@dataclass(frozen=True)
class Span:
    """A place in the clean text: [start, end) and how it was found."""

    start: int
    end: int
    how: str

    def text(self, clean: str) -> str:
        return clean[self.start:self.end]


def find_spans(clean: str, known: Sequence[tuple[int, int]] = (), shapes: list[Span] | None = None) -> list[Span]:
    """Every place-shaped span, trimmed of leading function words, merged when adjacent.

    `shapes` is shape_spans(clean) when the caller already has it (the regexes are the cost).
    """
    spans = [Span(s, e, "gazetteer") for s, e in known]
    return _merge(spans + (shape_spans(clean) if shapes is None else shapes), clean)


def shape_spans(clean: str) -> list[Span]:
    """The regex matches, trimmed, not yet merged."""
    spans = []
    for (pattern, _, reach), anchor in zip(_PATTERNS, _ANCHORS):
        for m in anchored_matches(pattern, anchor, reach, clean):
            start = _trim_front(clean, m.start(), m.end())
            if m.end() - start >= 2:
                spans.append(Span(start, m.end(), "pattern"))
    return spans


def anchored_matches(pattern: re.Pattern[str], anchor: re.Pattern[str], reach: int, text: str) -> list[re.Match[str]]:
    """pattern.finditer(text), trying only the starts up to `reach` characters before an anchor."""
    found = anchor.search(text)
    if found is None:  # most texts hold most patterns' anchor nowhere
        return []
    starts: set[int] = set()
    while found:
        at = found.start()
        starts.update(range(max(0, at - reach), at + 1))
        found = anchor.search(text, at + 1)
    out: list[re.Match[str]] = []
    done = 0
    for start in sorted(starts):
        if start >= done:
            m = pattern.match(text, start)
            if m:
                out.append(m)
                done = m.end()
    return out


def best_span(clean: str, known: Sequence[tuple[int, int]] = ()) -> Span | None:
    """The most specific place: gazetteer matches first, then the longest, then the earliest."""
    spans = find_spans(clean, known)
    if not spans:
        return None
    return max(spans, key=lambda s: (s.how == "gazetteer", s.end - s.start, -s.start))


# Words the lazy name pattern swallows in front of a place: verbs, times, pronouns.
_PREFIXES = sorted((
    "报警", "反映", "举报", "投诉", "家住在", "家住", "住在", "来到", "路过", "经过", "发现", "看到", "看见", "听说",
    "昨天", "今天", "前天", "刚才", "刚刚", "晚上", "早上", "上午", "下午", "中午", "半夜", "凌晨", "现在", "一直",
    "天天", "每天", "最近", "这几天", "那个", "这个", "就是", "我家", "我们", "咱们", "俺们", "俺家", "他家", "她家",
    "隔壁", "附近的", "麻烦", "请问", "你好", "您好", "喂", "出事", "快来"), key=len, reverse=True)


_PREFIXES_BY_FIRST: dict[str, list[str]] = {}  # by first character, longest first: only those can start here
for _word in _PREFIXES:
    _PREFIXES_BY_FIRST.setdefault(_word[0], []).append(_word)


_SCENE_MARKS = "在喺搁"  # no place name holds one: what comes before it (一个男的在) is the sentence, not the place


def _trim_front(clean: str, start: int, end: int) -> int:
    """Skip leading function words, times, pronouns and verbs, keeping at least two characters."""
    mark = max(clean.rfind(ch, start, end - 2) for ch in _SCENE_MARKS)
    start = mark + 1 if mark >= 0 else start
    moved = True
    while moved:
        moved = False
        if end - start > 2 and clean[start] in STOP_CHARS:
            start, moved = start + 1, True
            continue
        for word in _PREFIXES_BY_FIRST.get(clean[start], ()):
            if clean.startswith(word, start) and end - start - len(word) >= 2:
                start, moved = start + len(word), True
                break
    return start


_JOINERS = {"", "的", " ", "那个", "那条", "这个", "这条", "那边", "那边的", "里的", "上的"}


def _merge(spans: list[Span], clean: str) -> list[Span]:
    """Join overlapping spans and ones separated by a 的, a space, or a 那个 (村口那个小卖部, 六组那个变压器)."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged:
            last = merged[-1]
            gap = clean[last.end:span.start]
            if span.start <= last.end or gap in _JOINERS:
                how = "gazetteer" if "gazetteer" in (last.how, span.how) else "pattern"
                merged[-1] = Span(last.start, max(last.end, span.end), how)
                continue
        merged.append(span)
    return merged
