"""The decisions on top of the heads: unsure police goes to police, emergencies from a low bar, no fragments."""
from nlp.classifier import DEFAULTS, _category, _is_place, _urgency


def test_an_unsure_police_or_non_police_call_goes_to_police():
    p = {"neighbor_dispute": 0.45, "family_dispute": 0.23, "violence": 0.2, "public_order": 0.12}
    assert _category(p, DEFAULTS["police"]) == ("violence", 0.2)  # police mass 0.32 >= 0.3
    assert _category(p, 0.5) == ("neighbor_dispute", 0.45)


def test_an_emergency_is_called_from_a_low_bar_then_urgent_then_normal():
    assert _urgency({"emergency": 0.25, "urgent": 0.05, "normal": 0.7}, DEFAULTS)[0] == "emergency"
    assert _urgency({"emergency": 0.1, "urgent": 0.4, "normal": 0.5}, DEFAULTS)[0] == "urgent"
    assert _urgency({"emergency": 0.05, "urgent": 0.2, "normal": 0.75}, DEFAULTS) == ("normal", 0.75)


def test_a_place_is_never_a_lone_character_or_a_bare_number():
    assert not _is_place("8") and not _is_place("楼") and not _is_place("12") and not _is_place("B2")
    assert _is_place("3栋") and _is_place("村口")


def test_the_police_head_puts_a_report_on_the_police_side_only_when_sure(classifier):
    from nlp.classifier import Heads
    from nlp.features import read_message

    text = "楼上漏水到我家了 说了好几次都不管"
    category = {"neighbor_dispute": 0.85, "public_order": 0.1, "facility_repair": 0.05}
    unsure = classifier._decide(text, read_message(text), Heads(0.9, 0.6, category, {"normal": 1.0}))
    sure = classifier._decide(text, read_message(text), Heads(0.9, 0.95, category, {"normal": 1.0}))
    assert (unsure.kind, unsure.category) == ("non_police", "neighbor_dispute")
    assert (sure.kind, sure.category) == ("police", "public_order")


def test_an_emergency_the_report_head_doubts_is_still_raised(classifier):
    from nlp.classifier import Heads
    from nlp.features import read_message

    text = "电梯里困了俩小孩 哭着呢 9号楼西边那部"  # reads like chat to the report head, not to the emergency one
    category = {"facility_repair": 0.8, "safety_hazard": 0.2}
    limit = DEFAULTS["emergency_report"]
    doubted = classifier._decide(text, read_message(text), Heads(0.25, 0.1, category, {"emergency": limit}))
    calm = classifier._decide(text, read_message(text), Heads(0.25, 0.1, category, {"emergency": limit - 0.1}))
    chat = classifier._decide(text, read_message(text), Heads(0.1, 0.1, category, {"emergency": 0.99}))
    assert (doubted.is_report, doubted.urgency, doubted.category) == (True, "emergency", "facility_repair")
    assert not calm.is_report and calm.suspected  # 疑似报事: the duty desk sees it
    assert not chat.is_report  # what the report head is sure is talk stays talk (a joke's 救命)
