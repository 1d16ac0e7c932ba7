"""A place found never starts or ends inside a place word: 圾房 is 垃圾房, 面楼 is 对面楼, 戏厅 is 游戏厅.

The tagger reads two characters either side, so its run may stop one character into a word it
half knows; GUIDE says a place is never a fragment shorter than a place name. A run's edge that
falls inside one of these words is moved out to the word's edge.
"""
import re

from nlp.places import LANDMARK_WORDS, Span

_MORE = ("垃圾房", "垃圾箱房", "垃圾分类点", "垃圾分类亭", "垃圾分类房", "垃圾桶", "垃圾箱", "游戏厅", "城中村",
         "工业区", "开发区", "工业园", "快递柜", "对面楼", "隔壁楼", "宿舍楼", "宿舍区", "宿舍", "小区", "充电桩",
         "楼梯口", "楼梯间", "电线杆", "变电箱", "配电箱", "锅炉房", "仓房", "煤棚", "平房", "出租屋", "教室", "操场",
         "校门口", "幼儿园门口", "游乐场", "儿童乐园", "篮球场", "健身器材", "摊位", "铺面", "蓄水池", "下水道",
         "电影院", "菜场", "理发店", "游泳池", "停车位", "车位", "晾衣架", "消防通道", "人行道", "公共厕所", "厕所",
         "屯子", "胡同", "楼顶", "井盖", "轻轨站", "院子", "大门口", "门口", "对面", "旁边", "后面", "边上", "附近",
         # an owner is kept whole too: 们宿舍 is 我们宿舍 (GUIDE's 我们小区东门)
         "我们", "俺们", "咱们", "我哋",
         # rooms, buildings and grounds the newer voices name (年活动中 is 老年活动中心, 筑工地 is 建筑工地)
         "活动中心", "老年活动中心", "活动室", "办公室", "建筑工地", "公厕", "老公房", "公房", "涌边", "街市", "骑楼",
         "祠堂", "清真寺", "渔港", "海堤", "分拣场", "果场", "麦场", "屋檐", "厨房", "卫生间", "阳台", "窗台", "走廊",
         "过道", "单元门口", "楼门口", "地下室", "设备间", "配电房", "监控室", "天台", "泳池", "冰面", "河道", "水沟",
         "排水沟", "烧烤店", "奶茶店", "宾馆", "旅馆", "酒店", "民宿", "客栈", "公寓", "前台", "大堂", "电梯间",
         "电梯口", "盲道", "斑马线", "地铁口", "充电棚", "自行车棚", "食堂", "教学楼", "图书馆", "体育馆", "健身房",
         "公交站台", "站台", "候车室", "桥洞", "涵洞", "隧道口", "隧道", "收费站", "服务区", "洗车店", "修车铺", "五金店")
_WORD = re.compile("|".join(sorted({*_MORE, *LANDMARK_WORDS}, key=len, reverse=True)))


def whole_words(text: str, span: Span) -> Span:
    """The span, its edges moved out of any place word they fall inside."""
    start, end = span.start, span.end
    for word in _WORD.finditer(text, max(0, start - 5), min(len(text), end + 5)):
        if word.start() < start < word.end():
            start = word.start()
        if word.start() < end < word.end():
            end = word.end()
    return Span(start, end, span.how) if (start, end) != (span.start, span.end) else span
