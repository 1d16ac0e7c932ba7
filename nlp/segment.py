"""Word segmentation with jieba and a domain dictionary, on a private tokenizer."""
import logging
from collections.abc import Sequence

import jieba

from nlp.lexicon import lexicon_features

DOMAIN_WORDS = [
    "网格员", "网格长", "社区民警", "派出所", "电瓶车", "电动车", "充电", "楼道", "消防通道", "井盖", "路灯", "物业费",
    "物业", "业委会", "流浪狗", "流浪猫", "独居老人", "低保", "户口", "身份证", "居住证", "无犯罪记录证明", "拖欠工资",
    "讨薪", "包工头", "刷单", "杀猪盘", "安全账户", "验证码", "冒充", "诈骗", "吸毒", "针管", "走失", "走丢", "失联",
    "车祸", "追尾", "逃逸", "肇事", "赌博", "醉汉", "传销", "偷拍", "着火", "起火", "煤气味", "燃气味", "漏气", "晕倒",
    "持刀", "砍人", "家暴", "打架", "斗殴", "被偷", "被盗", "撬门", "漏水", "噪音", "扰民", "违建", "私拉电线", "飞线充电",
    "化粪池", "垃圾桶", "下水道", "嬢嬢", "咋个", "啥子", "莫得", "搞快点", "晓得", "天然气", "救护车", "消防车",
]
# Place heads and relative places, so that 菜市场门口 or 3号楼 come out as words of their own.
PLACE_WORDS = [
    "小区", "花园", "家园", "公寓", "大厦", "号楼", "单元", "门口", "对面", "旁边", "附近", "楼下", "楼上", "路口",
    "菜市场", "农贸市场", "超市", "公园", "桥下", "十字路口", "交叉口", "村口", "村委会", "居委会", "卫生院",
    "幼儿园", "停车场", "地下车库", "网吧", "网咖", "烧烤摊", "夜市", "汽车站", "火车站", "公交站", "地铁站",
]


def make_tokenizer(extra_words: Sequence[str] = ()) -> jieba.Tokenizer:
    """A private jieba tokenizer with the domain words and the configured place names, initialised now."""
    logging.getLogger("jieba").setLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()  # loads or builds jieba's cached prefix dictionary (~1 s the first time)
    for word in [*DOMAIN_WORDS, *PLACE_WORDS]:
        tokenizer.add_word(word, freq=20000)
    for word in extra_words:
        tokenizer.add_word(word, freq=50000, tag="ns")
    return tokenizer


def tokenize(tokenizer: jieba.Tokenizer, text: str) -> list[str]:
    """Every piece of the text, spaces included, so the pieces tile it exactly."""
    pieces: list[str] = tokenizer.lcut(text, HMM=False)
    return pieces


def words(pieces: list[str], text: str) -> list[str]:
    """The words for the model: pieces without spaces, plus the category-lexicon features."""
    return [w for w in pieces if w.strip()] + lexicon_features(text)
