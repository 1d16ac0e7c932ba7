"""Is it happening, or only talked about? Cue features the model weighs, instead of rules that decide.

An alarm word is evidence, not a verdict: 着火 in "火已经灭了没事了", 救命 in "救命这么好吃",
炸了 in "家族群炸了". Each cue below becomes a feature, and so does each cue *together with* an
alarm term (`@emg&past`), so the model learns from the data how much a past, negated,
hypothetical, forwarded or joking frame takes away, and how much a "right now" adds.
"""

from nlp.pinyin import sound_line, sound_pattern, syllables
from nlp.rule_terms import EMERGENCY_TERMS
from nlp.rules import RuleHits
from nlp.scannable import scannable_search

CUES = {
    "past": r"已经|以经|早就|刚才.{0,6}(了|过)|昨天|昨晚|前天|上次|之前|前几天|去年|那年|以前|当年|后来",
    "handled": r"灭了|扑灭|没事了|没什么事|虚惊|原来是|救出来|救出来了|解决了|处理好|处理完|修好了|找到了|回来了|"
               r"平安|送医院了|送去医院了|已报警|报过警|警察来了|已经处理|搞定|放心|别担心|不用担心|谢谢|"
               # the same said in dialect: 冇事 唔使惊 (粤), 覅担心 灭脱 (吴), 莫得事 莫担心 (川渝), 整完了 (东北)
               r"冇事|唔使|莫得事|莫担心|莫慌|覅担心|灭脱|放出来|捞上来|救过来|整完|没啥事|没大事|假的|谣言|"
               r"其实是|其实系|原来係|原来系|早就好了|已经好了|已经出来|"
               # the smell or smoke explained by something ordinary: 煤气味是邻居炒菜, 烟是楼下烧烤
               r"是.{0,6}(炒菜|做饭|烧饭|煮饭|烧烤|烤串|熏腊肉|熏肉|烧纸|烧秸秆|烧落叶|装修|拍视频|拍戏|放鞭炮)",
    "negated": r"没有|没着|没起|没出|不是|并没|并不|不会|没事|没啥|唔係|唔系|冇|勿是|不得|莫得",
    "hypothetical": r"如果|万一|要是|假如|假设|假使|怎么办|咋办|会不会|能不能|预防|防范|注意安全|以防|提前|演练|演习|"
                    r"应急|知识|培训|讲座|怎么处理|该怎么|应该",
    "forwarded": r"转发|转自|扩散|转给|【|】|通知|通报|温馨提示|提醒|据报道|新闻|视频里|抖音|快手|朋友圈|网上|听说|"
                 r"有人说|有人话|听讲|兹有|汇总|拍戏|"
                 r"公众号|电视|剧里|电影|小说|梦见",
    "slang": r"笑死|哈哈|hhh|233|好吃|好好吃|太香|辣到|辣死|爆炸好|绝了|yyds|破防|躺平|吃瓜|群炸|炸群|杀价|砍价|"
             r"跳楼价|甩卖|清仓|团购|接龙|拼团|特价|气炸|炸了锅|"
             r"抢红包|红包|抢购|秒杀|抢到|手气|拼多多|累死|饿死|热死|冻死|气死|笑得|段子|开玩笑|逗|哈",
    "live": r"现在|正在|还在|快来|快点|赶紧|马上|立刻|救救|帮帮|快报警|报警|110|120|119|来人|谁来|怎么办啊|急|"
            r"出不来|起不来|叫不醒|没反应|不动了|流血|好多血|还在打|正准备|快叫|快派|拦住|拦一下|不应|没气|冇气|动不了|"
            r"搞快点|快啲|快点儿",
    "warning": r"大家注意|提醒大家|大家小心|各位小心|千万别|千万不要|不要信|别信|别点|不要点|莫点|覅点|唔好|链接|加微信|"
               r"加v|冒充|假冒|扮|假的|\+?852|00852|境外|陌生电话|陌生号码|骗子|诈骗|奶茶包|跳跳糖|上门收|自称|当心|"
               r"不要上当|别上当|不要加|别加|验证码|屏幕共享|短信|认证|解冻|安全账户",
    "question": r"请问|吗|？|\?|咨询|怎么办理|去哪",
    "vulnerable": r"老人|老太|老太太|老头|老大爷|大爷|奶奶|爷爷|婆婆|孩子|小孩|娃|小朋友|女儿|儿子|孕妇|痴呆|糊涂|"
                  r"残疾|病人|瘫痪|独居|\d+岁",
    "missing": r"不见了|找不到|没回来|没回家|未回家|未归|走丢|走失|还没到家|联系不上|电话不通|关机|跟.{0,6}走了|带走|"
               r"唔见|冇影|没影|没了影|"
               r"接走|被人领走|上了.{0,6}车|离家出走|天黑",
    "stranger": r"陌生|不认识|勿认得|唔识|网友|自称|男的|男人|成年男子",
    "dusk": r"天黑|傍晚|晚上|半夜|夜里|凌晨|黑了|傍黑|擦黑|黑咗|后半夜|夜晚",
    "water": r"河|水库|池塘|塘|江|湖|井里|水里|海边|游泳",
    "body": r"摔|跌|倒地|起不来|说话不清|口齿不清|嘴歪|瘫|血|晕|昏|抽|喘|呼吸|心脏|胸口|骨折|疼得|痛得|吐|噎|憋|发紫|"
            r"没气|冇气|动不了|舌头|说不清",
    "trapped": r"困|关在|卡在|出不来|被锁|锁在",
    "despair": r"不想活|活着没意思|活到起没意思|没意思|遗书|永别|最后一次|对不起大家|结束自己|解脱|安眠药|轻生|"
               r"跳下去|跳下来|想死|农药|楼顶|天台|塔吊|送人了|再也不回来|不回来了",
    "money_now": r"正在转|要转|准备转|马上转|去转|去银行|去汇|转过去|让我转|要我转|叫我转|打钱|汇款",
    "weapon": r"刀|斧|锄头|铁锹|棍|棒|钢管|砖头|酒瓶|枪",
}
_COMPILED = {name: scannable_search(pattern) for name, pattern in CUES.items()}
_FRAMES = ("past", "handled", "negated", "hypothetical", "forwarded", "slang", "live", "question", "warning")
_PAIRS = (("missing", "stranger"), ("vulnerable", "despair"), ("despair", "live"), ("vulnerable", "missing"),
          ("missing", "dusk"), ("vulnerable", "water"), ("vulnerable", "body"), ("vulnerable", "trapped"),
          ("body", "live"), ("weapon", "body"), ("vulnerable", "money_now"), ("missing", "water"), ("warning", "question"))
_SOUND = {category: sound_pattern(terms) for category, terms in EMERGENCY_TERMS.items()}


def cue_tokens(text: str, hits: RuleHits, sounds: list[str | None] | None = None) -> list[str]:
    """Feature tokens: the cues present, alarm terms by spelling and by sound (`sounds`: syllables(text),
    when the caller has them), and their pairings."""
    found = [name for name, search in _COMPILED.items() if search(text)]
    tokens = [f"@ctx:{name}" for name in found]
    present = set(found)
    tokens += [f"@pair:{a}&{b}" for a, b in _PAIRS if a in present and b in present]
    alarm = []
    if hits.emergency:
        alarm.append(f"@emg:{hits.emergency_category or 'any'}")
    line = sound_line(syllables(text) if sounds is None else sounds)
    for category, pattern in _SOUND.items():
        if pattern.search(line):
            alarm.append(f"@emgpy:{category or 'any'}")
    if alarm:
        alarm.append("@emg")
        alarm += [f"@emg&{frame}" for frame in _FRAMES if frame in present]
    for category in hits.police:
        tokens.append(f"@police:{category}")
    if len(text) > 80:
        tokens.append("@long")
    return tokens + alarm
