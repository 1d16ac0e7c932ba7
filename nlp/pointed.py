"""The thing a place points at: 小区里 + 那个大坑, 锅炉房 + 那个烟筒, 出租屋 + 的楼顶 are one place each.

GUIDE wants the place as specific as the text gives it. Residents name the place, then point at the
thing in it that is the matter (那个/那条/嗰间, or a 的); the tagger, reading two characters either
side, stops at the pointer. What follows is taken when it is a short noun that ends like a place
(店, 坑, 箱, 楼顶, 厕所): never across a function word, a pause or a verb's 了.
"""
from nlp.places import STOP_CHARS, Span

_POINTERS = ("那个", "那条", "那家", "那间", "那座", "那片", "那块", "那排", "那栋", "那口", "那段", "这个", "这条",
             "嗰间", "嗰个", "嗰排", "嗰条", "一间", "一个", "一家", "的",
             "个", "嘅", "条")  # Cantonese joins place and thing with 个/嘅/条 (楼顶个水塔, 三楼嘅窗框, 村口条渠)
_FINAL = set("店馆厂房屋池坑道路窑桥塘井箱口场园院楼棚库站摊铺堂室厅沟渠河湖坡林地所部点杆顶台弯坝田滩堤岭盘塔框巷盖")
_PEOPLE = ("细路",)  # Cantonese for a child: ends like a road, is no thing (三楼个细路)
NOUN = 6  # characters a pointed-at noun may have


_SIDES = ("那边", "这边", "那头", "那块", "那溜", "嗰边")  # 水库那边, 东门那边: the side of a place is the place


def pointed(text: str, span: Span) -> Span:
    """The span with its side and the thing it points at, or the span as it was."""
    end = span.end
    side = next((s for s in _SIDES if text.startswith(s, end - 1) or text.startswith(s, end)), None)
    if side and end - span.start >= 2:
        end = text.index(side, end - 1) + 2
    if end - span.start > 2 and text[end - 1] in "那这嗰" and text[end - 1:end + 1] in _POINTERS:
        end -= 1  # the run took the pointer's first character (江沿那 of 江沿那个下水口)
    pointer = next((p for p in _POINTERS if text.startswith(p, end)), None)
    if pointer is None:
        return Span(span.start, end, span.how) if end != span.end else span
    at = last = end + len(pointer)
    while at < len(text) and at - last < NOUN and "\u4e00" <= text[at] <= "\u9fa5" and text[at] not in STOP_CHARS:
        at += 1
    ends = [i + 1 for i in range(last, at) if (text[i] in _FINAL or (text[i] == "子" and i > last and text[i - 1] in _FINAL))
            and text[i - 1:i + 1] not in _PEOPLE]
    return Span(span.start, ends[-1], span.how) if ends else Span(span.start, end, span.how)
