"""A relative place (楼下, 店里, 我家门口) for when the message names no other place.

GUIDE counts a relative place when it is the only place given. The tagger, which reads two
characters either side, mostly stays under its threshold for these short words, and a lower
threshold brings wrong places with them; a closed list taken only as a whole phrase does not.
"""
import re

from nlp.places import Span, anchored_matches

# Longest first, so 楼道里 is taken before 楼道 and 弄堂口头 before 弄堂口.
_WORDS = sorted((
    "楼下", "楼道里", "楼道", "楼道口", "楼顶", "天台", "店里", "店门口", "家门口", "小区门口",
    "小区里", "电梯里", "车库", "地下室", "弄堂口", "弄堂里", "弄堂", "巷子口", "巷子里", "村口", "路口",
    "河边", "桥下", "后门", "后巷", "后街", "公共走廊", "走廊里", "楼梯口",
    "楼底", "楼底下", "门口头", "屋企楼下", "铺门口", "铺头", "弄堂口头",
    # the rooms and corners of a rented building, a compound, a clinic, a farmhouse
    "楼上", "楼梯", "楼梯间", "走廊", "巷口", "巷尾", "巷仔", "村头", "村尾", "庄口", "车棚", "电动车棚", "地库",
    "岗亭", "门卫室", "门岗", "单元门口", "厨房", "候诊室", "候诊区", "输液室", "输液大厅", "药店", "药房",
    "对面楼", "隔离房", "隔离屋", "隔离楼", "隔离间房", "院子", "院子里", "老屋", "老院子", "西屋", "东屋", "菜地",
    "垃圾屋", "电梯厅", "物业办公室", "门卫", "房入面", "房间", "我间房",
    # a village's and a compound's own corners (屯口, 院里, 胡同里, 仓房后头), the door across, next door
    "屯口", "屯里", "屯子", "屯子里", "屯东头", "屯西头", "村东头", "村西头", "村里", "院里", "大院里", "胡同",
    "胡同里", "胡同口", "对门", "隔壁家", "邻居家", "仓房", "仓房后头", "煤棚", "平房", "后院", "屋顶", "房顶",
    # a school's, a dormitory's and a rented room's places
    "宿舍", "宿舍里", "宿舍楼", "宿舍楼里", "宿舍楼下", "教室", "教室里", "操场", "操场上", "校门口", "学校门口",
    "幼儿园门口", "出租屋", "出租屋里", "阳台", "阳台上",
    # the public places everyone names without a name
    "工地", "工地上", "公园", "公园里", "早市", "菜场里", "市场里", "路边", "马路上", "人行道上", "游乐场",
    "垃圾房", "垃圾箱房", "垃圾站", "化粪池", "公交车上", "小区", "楼里", "巷度", "车房", "祖屋"),
    key=len, reverse=True)
# Whose or which, kept in the place (GUIDE's 我们小区东门); a pronoun starts a word, so after one
# the phrase needs no other boundary.
_OWNERS = sorted(("我家", "我们家", "我们", "俺们", "俺们这", "我们这", "我们这个", "俺们这个", "咱们", "我店", "我们店",
                  "我间铺", "我个", "我", "隔壁", "对面", "那个", "我哋", "阿拉", "伲", "侬屋里", "屋企", "俺家", "咱家",
                  "我们站", "我哋栋", "我间"),
                 key=len, reverse=True)
# 门口 alone is any door (扔在门口, 门口站着); with an owner (我门口, 我店门口) it is the scene.
# 我理发店门口, 我们面馆里: one's own shop by its trade, then where at it.
_SHOP = r"(我们?的?[^\W的在去到了是个把被给有]{1,3}?(?:店|馆|铺))(?:门口|里|外面|后门)"
# 门口 opening the message (门口又被车堵死了) is the scene: nothing came before it to own the door.
_PHRASE = re.compile("(?:(" + "|".join(_OWNERS) + ")门口|^大?门口|^大门|" + _SHOP + "|(" + "|".join(_OWNERS) + ")?(?:"
                     + "|".join(_WORDS) + "))")
# What may come right before a phrase without an owner: a function word or a verb of going, so 饭店里 is not 店里.
_BEFORE = set("在到去从往进出回来跑走就都也又还了的是个呢啊吧喺系嘅住于嗰咗佢哋啦咧嘞哈把被给对着停放扔坐躺站搁")
_SCENE = set("在喺于搁")  # 在楼顶盖了个铁皮房: the phrase after 在 is where it happens
# A relative place followed by a person names the person, not the scene (楼上小孩, 我店里的小姑娘).
_PERSON = re.compile("(?:的|额|那个|那对|那家|那户|打工的)?(?:小孩|孩子|老人|老太|老头|爷爷|奶奶|阿姨|大爷|邻居|住户|"
                     "人家|小姑娘|小伙子|小妹|伙计|帮工|员工|小工|收银|夫妻|两口子|说)")


# Where a phrase can start (an owner's or a word's first character, 我 of a shop, 大 or 门 opening the
# message): _PHRASE is tried only there, since it starts with no literal the engine could scan for and
# so tried its ~200 alternatives at every character.
_STARTS = re.compile("[" + re.escape("".join(sorted({w[0] for w in (*_OWNERS, *_WORDS)} | set("我大门")))) + "]")


def relative_place(text: str) -> Span | None:
    """A relative place written as a whole phrase: the first after 在, else the first; or None."""
    found = []
    for m in anchored_matches(_PHRASE, _STARTS, 0, text):
        start, end = m.start(), m.end()
        before = text[start - 1] if start else ""
        if not any(m.groups()) and "\u4e00" <= before <= "\u9fa5" and before not in _BEFORE:
            continue
        if _PERSON.match(text, end):
            continue
        found.append((before not in _SCENE, start, end))
    if not found:
        return None
    _, start, end = min(found)
    return Span(start, end, "relative")


def is_relative(words: str) -> bool:
    """True when the words are a relative place and nothing more (楼上, 阿拉厨房, 我们店门口)."""
    return bool(_PHRASE.fullmatch(words))
