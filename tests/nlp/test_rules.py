"""The rules in front of the model: affirmed emergencies only, never in drills, TV plots or notices."""
import pytest

from nlp.rules import apply_rules


@pytest.mark.parametrize("text", ["5栋有人拿刀砍人", "厨房着火了 好大的烟", "楼道里一股煤气味", "有人晕倒了 叫不醒",
                                  "河边有小孩溺水 救命", "孩子刚才还在 一转身就不见了", "有人要跳楼"])
def test_affirmed_emergency_terms_fire(text):
    assert apply_rules(text).emergency


@pytest.mark.parametrize("text", ["还好没着火 只是烧烤的烟", "不是煤气味 是榴莲", "没有人砍人 是在拍视频",
                                  "明天上午小区消防演练 会有烟雾", "昨晚电视剧里有人持刀抢劫",
                                  "反诈骗讲座 教大家防范", "消防宣传：着火了怎么逃生"])
def test_negated_or_staged_emergencies_do_not(text):
    assert not apply_rules(text).emergency


def test_fire_terms_name_their_category_and_police_terms_are_collected():
    hits = apply_rules("楼下着火了 还有人在偷电瓶车")
    assert hits.emergency_category == "fire_emergency"
    assert hits.police["theft"] == ["偷电"] or "theft" in hits.police
    assert any("着火" in r for r in hits.reasons())


def test_a_negated_police_term_is_not_collected():
    assert "theft" not in apply_rules("我家没被偷 是我自己放错地方了").police
