"""classify: labels and reasons on typical messages, hostile input, and the bars on the held-out split."""

import pytest

from nlp.dataset import load, split
from nlp.evaluation import evaluate
from nlp.triage import Triage


def test_a_police_emergency_with_its_place_and_grid(classifier):
    t = classifier.classify("救命 翠湖苑2栋有人拿刀砍人 快来")
    assert (t.is_report, t.kind, t.category, t.urgency) == (True, "police", "violence", "emergency")
    assert t.location == "翠湖苑2栋" and t.grid_id == "gh-3"
    assert any("拿刀" in r for r in t.reasons) and not t.needs_human


def test_a_non_police_hazard_goes_to_its_micro_grid(classifier):
    t = classifier.classify("锦绣花园12栋楼道里有人给电瓶车充电 线拉得到处都是")
    assert (t.kind, t.category, t.grid_id) == ("non_police", "safety_hazard", "gh-2-b")


@pytest.mark.parametrize("text", ["早上好🌹", "收到", "谢谢李网格 辛苦了", "明天上午十点小区消防演练 听到警报不要慌",
                                  "昨晚那个电视剧里有人持刀抢劫 太吓人了", "警方提醒 陌生来电要警惕 不要随便转账"])
def test_chatter_and_trigger_words_out_of_context_are_not_reports(classifier, text):
    t = classifier.classify(text)
    assert not t.is_report and (t.kind, t.category, t.urgency, t.location) == (None, None, None, None)


def test_a_negated_fire_is_not_an_emergency(classifier):
    assert classifier.classify("还好没着火 只是烧烤的烟 大家别担心").urgency != "emergency"


def test_a_dog_that_bit_a_child_is_an_urgent_non_police_matter(classifier):
    t = classifier.classify("银杏苑有条黄狗把一个小朋友的腿咬了 出血了 狗还在小区里乱跑")
    assert (t.kind, t.category) == ("non_police", "stray_animal") and t.urgency in ("urgent", "emergency")


def test_a_scam_call_with_no_money_lost_is_still_fraud(classifier):
    t = classifier.classify("刚接到个电话说我医保卡被冻结了 要我转钱到安全账户 我挂了 没转")
    assert (t.kind, t.category) == ("police", "fraud")


def test_several_matters_take_the_most_serious(classifier):
    t = classifier.classify("我们楼的路灯坏了 还有 刚才楼下有人拿刀砍人 好多血")
    assert (t.kind, t.urgency) == ("police", "emergency")


@pytest.mark.parametrize("text", ["", " ", "\x00\x01\x02", "😀😀😀", "\ud800\udfff", "锦" * 10000, "[图片]", None, 12345,
                                  "楼道" * 5000, "\u202e\u200b" * 100])
def test_hostile_input_never_raises(classifier, text):
    t = classifier.classify(text)  # how fast, long messages included, is measured in bench/
    assert isinstance(t, Triage) and isinstance(t.is_report, bool) and 0.0 <= t.confidence <= 1.0
    assert t.location is None or (isinstance(text, str) and t.location in text)


def test_empty_and_emoji_only_messages_are_not_reports(classifier):
    assert [classifier.classify(t).is_report for t in ("", "😀😀😀", "[图片]", "\x00")] == [False] * 4


def test_phone_numbers_are_masked_in_the_result(classifier):
    t = classifier.classify("桂花苑3栋路灯坏了 我电话13812345678")
    assert "13812345678" not in t.masked_text and "138****5678" in t.masked_text


def test_the_contract_dict_has_exactly_the_contract_keys(classifier):
    d = classifier.classify("人民路有个井盖没了").to_contract_dict()
    assert set(d) == {"is_report", "kind", "category", "urgency", "location", "confidence"}


def test_a_batch_gives_the_same_answers_as_one_by_one(classifier):
    texts = ["人民路有个井盖没了", "早上好", "柳溪村五组有人赌博", "楼下一股煤气味"]
    assert classifier.classify_many(texts) == [classifier.classify(t) for t in texts]


def test_the_held_out_split_meets_the_bars(classifier):
    _, test = split(load())
    m = evaluate(test, classifier.classify_many([r["text"] for r in test]))
    assert len(test) >= 400
    assert m["report_f1"] >= 0.93
    assert m["kind_accuracy"] >= 0.93 and m["police_recall"] >= 0.95
    assert m["category_macro_f1"] >= 0.82
    assert m["emergency_recall"] >= 0.90
    assert m["place_found"] >= 0.82
