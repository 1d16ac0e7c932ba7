"""classify: labels and reasons on typical messages, hostile input, and the sealed rows never trained on."""

import pytest

from nlp.evaluation import figures
from nlp.triage import Triage
from nlp.voices import load_voices, open_rows, sealed_rows


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


def test_the_shipped_model_never_trained_on_a_sealed_row_and_holds_on_them(classifier):
    voices = load_voices()
    sealed = sealed_rows(voices)
    assert not set(classifier.model.trained_ids) & {r["id"] for r in sealed}
    assert {r["id"] for r in open_rows(voices)} <= set(classifier.model.trained_ids)
    m = figures(sealed, classifier.classify_many([r["text"] for r in sealed]))
    # a regression guard, set about 0.05 under the leave-one-voice-out figures (bench/RESULTS.md), never
    # from the sealed rows themselves: only their totals are ever looked at
    assert m["police_recall"] >= 0.90 and m["emergency_recall"] >= 0.85 and m["silence"] >= 0.85
    assert m["kind_accuracy"] >= 0.84 and m["category_macro_f1"] >= 0.72 and m["location_found"] >= 0.85


def test_the_voices_held_out_whole_were_never_trained_on_and_the_model_holds_on_them(classifier):
    from nlp.voices import HOLDOUT_DIR

    held_out = load_voices(HOLDOUT_DIR)
    assert {r["voice"] for r in held_out} and not set(classifier.model.trained_ids) & {r["id"] for r in held_out}
    assert not {r["id"] for r in held_out} & {r["id"] for r in load_voices()}
    m = figures(held_out, classifier.classify_many([r["text"] for r in held_out]))
    # the same regression guard as the sealed rows' (from the leave-one-voice-out figures, not from these);
    # no place guard: on hands it never saw the place is far under that (bench/RESULTS.md)
    assert m["police_recall"] >= 0.90 and m["emergency_recall"] >= 0.85 and m["silence"] >= 0.85
    assert m["kind_accuracy"] >= 0.84 and m["category_macro_f1"] >= 0.72


@pytest.mark.parametrize("text, category", [
    ("煤起味好大 锦绣花园3栋", "fire_emergency"),  # a homophone typo for 煤气味
    ("我家8岁娃天黑了还没回来 有人看到跟一个男的走了 在桂花苑门口", "missing_person"),
    ("奶奶正准备去银行给骗子转钱 快拦住她 青石农商银行", "fraud"),
])
def test_life_at_risk_without_the_usual_alarm_word_is_an_emergency(classifier, text, category):
    t = classifier.classify(text)
    assert (t.is_report, t.category, t.urgency) == (True, category, "emergency")


@pytest.mark.parametrize("text", ["火已经灭了没事了 大家放心", "家族群炸了 哈哈哈", "救命这么好吃"])
def test_alarm_words_that_are_over_or_slang_are_not_reports(classifier, text):
    t = classifier.classify(text)
    assert not t.is_report and not t.suspected


def test_a_warning_to_the_group_about_a_fake_property_collector_is_police_fraud(classifier):
    t = classifier.classify("大家注意 有人冒充物业上门收燃气安检费 千万别给钱 是骗子")
    assert (t.is_report, t.kind, t.category) == (True, "police", "fraud")


def test_a_scare_explained_away_is_not_raised_as_a_report(classifier):
    # the guide's own example: 刚才煤气味是邻居炒菜 is not a report; the call is the model's, not a rule's
    t = classifier.classify("刚才煤气味是邻居炒菜")
    assert not t.is_report and t.urgency is None and t.kind is None
    assert any(r.startswith("报事概率") for r in t.reasons)


def test_the_same_smell_without_the_explanation_is_an_emergency(classifier):
    t = classifier.classify("楼道里有煤气味")
    assert (t.is_report, t.category, t.urgency) == (True, "fire_emergency", "emergency")
