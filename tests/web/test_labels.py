"""Every label a person reads is Chinese: triage reasons and sources lose their ids."""
from web.console.labels import CHANNEL_NAMES, readable


def test_triage_reasons_read_in_words():
    areas = {"gh-2-b": "锦绣花园微网格二", "gh-1": "桂花社区第一网格"}
    assert readable("类别 safety_hazard 0.93", areas) == "类别 安全隐患 0.93"
    assert readable("紧急程度 urgent 0.81", areas) == "紧急程度 较急 0.81"
    assert readable("地点：锦绣里2栋 → gh-2-b", areas) == "地点：锦绣里2栋 → 锦绣花园微网格二"
    assert readable("watch:w-wang", areas) == "两天必见面:w-wang"
    assert readable("关键词：充电", areas) == "关键词：充电"


def test_every_channel_a_resident_can_use_has_a_name():
    assert {"mp", "work", "robot", "group", "demo"} <= set(CHANNEL_NAMES)
