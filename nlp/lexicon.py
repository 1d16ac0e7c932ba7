"""Words that mark each category, given to the model as extra features.

Seeds can only show so many phrasings; these words carry what the category is about, so a
message phrased in a way never seen in training still lands near the right category.
"""
CATEGORY_TERMS = {
    "violence": ["打人", "打架", "殴打", "被打", "打起来", "动手", "打伤", "家暴", "打老婆", "斗殴", "群殴", "打群架", "持刀",
                 "拿刀", "砍", "捅", "流血", "见血", "扇", "踢", "威胁", "弄死", "杀"],
    "theft": ["偷", "小偷", "被盗", "盗窃", "扒手", "扒了", "抢", "撬", "入室", "丢了", "不见了", "顺走", "拿走"],
    "fraud": ["骗", "诈骗", "刷单", "冒充", "转账", "安全账户", "验证码", "中奖", "投资", "理财", "网贷", "杀猪盘", "保健品",
              "客服", "退款", "冻结", "拉黑", "传销"],
    "drugs": ["吸毒", "毒品", "冰毒", "大麻", "针管", "针头", "注射器", "溜冰", "贩毒", "嗑药", "罂粟", "锡纸", "粉末", "笑气", "违禁药",
              "摇头丸", "制毒"],
    "missing_person": ["走丢", "走失", "失踪", "没回来", "没回家", "联系不上", "找不到", "失联", "迷路", "离家出走", "不见了",
                       "关机", "跑出去", "走散"],
    "traffic_accident": ["车祸", "撞", "追尾", "肇事", "逃逸", "翻车", "剐蹭", "酒驾", "刮倒", "碰瓷", "交通事故"],
    "public_order": ["赌博", "聚赌", "赌场", "醉", "闹事", "可疑", "偷拍", "骚扰", "跟踪", "传销", "耍酒疯", "收保护费",
                     "砸", "色情", "飙车", "炸街", "烟花爆竹", "鞭炮", "扔东西", "泼油漆", "精神病", "聚集", "对骂"],
    "fire_emergency": ["着火", "起火", "火灾", "冒烟", "黑烟", "烟", "煤气", "燃气", "天然气", "漏气", "爆炸", "自燃", "火苗",
                       "焦味", "烧"],
    "neighbor_dispute": ["邻居", "楼上", "楼下", "隔壁", "对门", "噪音", "吵", "扰民", "跺脚", "装修", "占", "车位", "漏水",
                         "调解", "广场舞", "油烟", "纠纷"],
    "family_dispute": ["老公", "老婆", "婆婆", "媳妇", "儿子", "女儿", "子女", "兄弟", "遗产", "分家", "赡养", "离婚", "抚养费",
                       "继母", "家里人", "亲戚", "不孝"],
    "labor_dispute": ["工资", "工钱", "讨薪", "欠薪", "拖欠", "包工头", "老板", "工地", "辞退", "社保", "劳动合同", "加班费",
                      "工伤", "结账", "劳务"],
    "sanitation": ["垃圾", "臭", "脏", "粪", "污水", "下水道", "死猫", "死狗", "死鱼", "苍蝇", "蚊子", "老鼠", "焚烧",
                   "渣土", "厕所", "乱倒"],
    "facility_repair": ["坏了", "路灯", "井盖", "电梯", "水管", "爆管", "停水", "停电", "门禁", "红绿灯", "塌", "漏雨", "修",
                        "地砖", "栏杆", "监控"],
    "property_management": ["物业", "物业费", "业委会", "停车费", "开发商", "维修基金", "业主", "公共收益", "道闸", "管家",
                            "押金", "房东", "交房"],
    "elderly_care": ["老人", "老大爷", "老奶奶", "大爷", "奶奶", "爷爷", "独居", "孤寡", "五保户", "空巢", "瘫痪", "摔倒",
                     "晕倒", "没人照顾", "高龄", "助餐"],
    "stray_animal": ["狗", "猫", "蛇", "流浪", "咬", "犬", "野猪", "马蜂", "鸽子", "老鼠", "遛狗", "狂犬"],
    "consultation": ["请问", "怎么办理", "怎么办", "去哪", "哪里办", "需要什么", "材料", "手续", "补办", "户口", "身份证",
                     "居住证", "证明", "护照", "咨询", "申请"],
    "safety_hazard": ["隐患", "消防通道", "充电", "电线", "飞线", "违建", "堵", "灭火器", "安全出口", "歪了", "快倒了",
                      "掉下来", "易燃", "煤气罐", "护栏", "危险", "裂"],
}


_BY_FIRST: dict[str, list[tuple[str, str]]] = {}  # first character → (category, word): a message is read once
for _category, _terms in CATEGORY_TERMS.items():
    for _term in _terms:
        _BY_FIRST.setdefault(_term[0], []).append((_category, _term))


def lexicon_features(text: str) -> list[str]:
    """One feature token per category whose words occur in the text (and one per word)."""
    hits = sorted({(c, t) for ch in set(text) for c, t in _BY_FIRST.get(ch, ()) if t in text})
    return sorted({f"@cat:{c}" for c, _ in hits}) + [f"@kw:{t}" for _, t in hits]
