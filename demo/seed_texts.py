"""What the demo's residents say and what the workers answer: a month of plausible matters."""

# category: (weight, urgency, resident texts with {place}, resolutions)
MATTERS = {
    "safety_hazard": (14, "urgent", ["{place}楼道里有人给电瓶车充电，线从窗户拖下来，太危险了",
                                     "{place}消防通道又被私家车堵死了，消防车根本进不来"],
                      ["已劝离充电电瓶车，张贴禁充告示", "已联系车主挪车，通道已畅通"]),
    "facility_repair": (14, "normal", ["{place}路灯坏了好几天了，晚上黑黢黢的老人不敢出门",
                                       "{place}门口井盖松了，踩上去直晃"],
                        ["已报修，路灯已恢复照明", "已设置警示并联系市政更换井盖"]),
    "neighbor_dispute": (12, "normal", ["{place}楼上天天半夜装修噪音，吵得睡不着，说了也不听",
                                        "{place}楼上漏水把我家天花板泡了，邻居不认账"],
                         ["已上门调解，双方约定晚十点后停工", "已调解，楼上同意维修并赔偿"]),
    "sanitation": (9, "normal", ["{place}垃圾堆了三天没人清，臭得很", "{place}下水道堵了污水漫到路上"],
                   ["已协调环卫清运", "已联系疏通，路面已冲洗"]),
    "property_management": (7, "normal", ["{place}电梯又坏了，物业电话打不通", "{place}物业乱收停车费"],
                            ["已督促物业维修，电梯恢复运行", "已约谈物业，暂停收费并公示依据"]),
    "stray_animal": (4, "normal", ["{place}有条流浪狗见人就追，小孩都不敢出门"], ["已联系收容机构带走"]),
    "elderly_care": (5, "urgent", ["{place}独居的老人好几天没见出门了，担心出事"],
                     ["已上门看望，老人身体无恙，已联系子女"]),
    "labor_dispute": (3, "normal", ["{place}工地老板拖欠我们三个月工资不给"], ["已联系劳动监察，老板承诺月底前结清"]),
    "family_dispute": (3, "normal", ["{place}楼下两口子天天吵架摔东西"], ["已上门劝解，双方情绪平稳"]),
    "consultation": (4, "normal", ["想问一下办居住证要带什么材料，我住{place}"], ["已电话告知所需材料和办理地点"]),
    "theft": (6, "urgent", ["{place}昨晚电瓶车被偷了，监控应该拍到了"], ["已调取监控立案侦查，已告知报案人进展"]),
    "fraud": (5, "urgent", ["我妈在{place}接到电话说是公安局的，要她把钱转到安全账户，是不是骗子"],
              ["已上门劝阻，未转账，已做反诈宣传"]),
    "public_order": (4, "urgent", ["{place}有几个人喝醉了在路边闹事砸酒瓶"], ["已到场处置，醉酒人员已由家属接回"]),
    "violence": (2, "emergency", ["{place}有人打架，有人头破了流血"], ["已到场制止，伤者已送医，当事人已带回调查"]),
    "traffic_accident": (2, "emergency", ["{place}路口两辆电瓶车撞了，有人倒地起不来"], ["已到场，伤者送医，已移交交警"]),
    "missing_person": (1, "emergency", ["{place}我家老人早上出门到现在没回来，有点老年痴呆"], ["已找到老人并护送回家"]),
    "fire_emergency": (1, "emergency", ["{place}楼道有很浓的煤气味"], ["已关闭总阀通风，燃气公司已检修"]),
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
TITLES = ["阿姨", "大爷", "先生", "女士", "师傅", "奶奶", "姐"]
UNHAPPY = ["还是没修好", "处理太慢了", "问题又出现了"]
