"""Expand the hand-written seed messages (nlp/data/seeds/) into the labelled set messages.jsonl.

Each seed is written once by hand with its labels; variants put it in other places and in
the ways residents really type (no punctuation, dialect openers, homophone slips, emoji,
@mentions, phone numbers). Every variant keeps its seed's `group`, so train/test splits by
seed and no variant of a test message is ever trained on.
Run: python -m nlp.data.build_dataset
"""
import json
import random
import re
from pathlib import Path
from typing import Any

from core.vocabulary import kind_of

HERE = Path(__file__).resolve().parent

ESTATES = ["锦绣花园", "桂花苑", "翠湖苑", "阳光小区", "幸福里", "金色家园", "滨江花园", "东方明珠小区", "和平新村",
           "紫荆园", "书香名苑", "龙湖嘉园", "碧桂园", "万科城", "蓝湾公寓", "枫林雅居", "南苑小区", "新华里",
           "建设新村", "丽都花园", "御景华庭", "阳光100小区", "江南名府", "梧桐苑", "康乐小区", "怡景湾", "绿地世纪城",
           "铁路宿舍", "供电局宿舍", "安居苑", "春晖园", "天鹅湖公寓", "锦秀里", "富康家园", "长江苑", "花语城"]
UNITS = ["{n}栋", "{n}栋{u}单元", "{n}号楼", "{n}幢", "{n}栋{u}单元{r}室", "{n}号楼{u}单元", "", "{n}栋"]
VILLAGES = ["柳溪村", "王家村", "石桥村", "桃源村", "李庄村", "黄土村", "新农村", "河坝村", "青龙村", "白果村", "马鞍村"]
GROUPS = ["一组", "二组", "三组", "四组", "五组", "六组", "七组", "3组", "5组", "8组", "2社", "四社", "九组"]
ROADS = ["人民路", "建设路", "解放大道", "中山路", "幸福街", "文化路", "滨河路", "新华街", "光明巷", "迎宾大道",
         "桂花路", "青年路", "北京路", "长江路", "环城东路", "学府路"]
ROAD_TAILS = ["", "", "{n}号", "和建设路路口", "与文化路交叉口", "口", "{n}号门口"]
LANDMARKS = ["菜市场", "农贸市场", "青石菜市场", "柳溪小学", "实验中学", "人民医院", "卫生院", "中心公园", "人民广场",
             "汽车站", "加油站", "万家福超市", "便利店", "网吧", "夜市", "工地", "村委会", "社区服务中心", "快递驿站",
             "大桥", "河边", "幼儿园", "银行", "烧烤摊", "棋牌室", "KTV", "火车站"]
LANDMARK_TAILS = ["", "门口", "对面", "旁边", "附近", "后面", "里面"]

OPENERS = ["", "", "", "", "你好 ", "您好 ", "网格员 ", "警官 ", "麻烦问下 ", "喂 ", "嬢嬢们 ", "我跟你们说 ",
           "急 ", "请问 ", "俺想反映个事 ", "@李网格 ", "@社区民警赵警官 ", "反映个情况 ", "大家好 "]
CLOSERS = ["", "", "", "", " 谢谢", " 麻烦了", " 快点来", " 能不能管管", " 咋个办嘛", " 啥子情况哦", " 急急急",
           " 😭", " 😡", " 🙏", "！！", "。", "？", " 求助", " 搞快点"]
CHAT_OPENERS = ["", "", "", "转发 ", "@所有人 ", "[图片] ", "哈哈 ", "嗯 ", "对了 ", "刚看到 ", "群里说一下 ",
                "各位邻居 ", "家人们 ", "【通知】", "温馨提示 "]
CHAT_CLOSERS = ["", "", "", " 😄", " 🌹", "~", "！", " [表情]", " 大家注意", " 哈哈哈", " 👍", " 谢谢大家", " 🙏🙏"]
SLIPS = [("的", "地"), ("在", "再"), ("已经", "以经"), ("哪", "那"), ("得", "的"), ("吗", "嘛"), ("做", "作"),
         ("电瓶车", "电平车"), ("物业", "物叶"), ("小区", "小去"), ("报警", "报井")]


def place(rng: random.Random, token: str) -> str:
    """A place filler for {E}, {V}, {R} or {L}."""
    n, u, r = rng.randint(1, 30), rng.randint(1, 6), rng.choice([101, 202, 301, 502, 1203, 1801])
    if token == "E":
        return rng.choice(ESTATES) + rng.choice(UNITS).format(n=n, u=u, r=r)
    if token == "V":
        return rng.choice(VILLAGES) + rng.choice(GROUPS)
    if token == "R":
        return rng.choice(ROADS) + rng.choice(ROAD_TAILS).format(n=n)
    return rng.choice(LANDMARKS) + rng.choice(LANDMARK_TAILS)


def fill(template: str, rng: random.Random) -> tuple[str, str | None]:
    """Replace the first {X} or {X:tail} with a place; the span is the place and its tail."""
    location = None

    def sub(m: re.Match[str]) -> str:
        nonlocal location
        text = place(rng, m.group(1)) + (m.group(2) or "")
        location = location or text
        return text
    return re.sub(r"\{([EVRL])(?::([^}]*))?\}", sub, template), location


def restyle(text: str, rng: random.Random, report: bool) -> str:
    """Type it the way residents do."""
    if rng.random() < 0.5:
        text = re.sub(r"[，。！？,.!?]", " ", text)
    if rng.random() < 0.25:
        old, new = rng.choice(SLIPS)
        text = text.replace(old, new, 1)
    if report:
        text = rng.choice(OPENERS) + text + rng.choice(CLOSERS)
        if rng.random() < 0.08:
            text += f" 我电话1{rng.choice('3589')}{rng.randint(100000000, 999999999)}"
    else:
        text = rng.choice(CHAT_OPENERS) + text + rng.choice(CHAT_CLOSERS)
    return re.sub(r" +", " ", text).strip()


def read_seeds() -> list[dict[str, Any]]:
    """Every seed line with its labels."""
    seeds = []
    for path in sorted((HERE / "seeds").glob("*.txt")):
        category = path.stem
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            if not line.strip():
                continue
            if category == "non_report":
                seeds.append({"template": line.strip(), "category": None, "urgency": None,
                              "group": f"{category}:{number}"})
            else:
                urgency, template = line.split("\t", 1)
                seeds.append({"template": template.strip(), "category": category, "urgency": urgency,
                              "group": f"{category}:{number}"})
    return seeds


def build(variants_report: int = 4, variants_other: int = 4, seed: int = 20261124) -> list[dict[str, Any]]:
    """Expand every seed into labelled, de-duplicated messages."""
    rng = random.Random(seed)
    rows, seen = [], set()
    for s in read_seeds():
        report = s["category"] is not None
        for _ in range(variants_report if report else variants_other):
            text, location = fill(s["template"], rng)
            text = restyle(text, rng, report)
            if text in seen or (location and location not in text):
                continue
            seen.add(text)
            rows.append({"text": text, "is_report": report,
                         "kind": kind_of(s["category"]) if report else None,
                         "category": s["category"], "urgency": s["urgency"],
                         "location": location if report else None, "group": s["group"]})
    return rows


if __name__ == "__main__":
    rows = build()
    with open(HERE / "messages.jsonl", "w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    reports = sum(r["is_report"] for r in rows)
    print(f"{len(rows)} messages, {reports} reports, {len(rows) - reports} not reports")
