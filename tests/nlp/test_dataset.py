"""The labelled data: every line follows the guide, the split is fixed, de-duplicated and leak-free."""
import pytest

from nlp.dataset import BadRow, check, dedup_key, load_checked
from nlp.triage import CATEGORIES


def test_every_line_of_the_data_follows_the_guide():
    loaded = load_checked()
    assert loaded.errors == []
    reports = [r for r in loaded.rows if r["is_report"]]
    assert len(loaded.rows) >= 2000
    assert {r["category"] for r in reports} == set(CATEGORIES)


@pytest.mark.parametrize("row", [
    {"text": "x", "is_report": True, "kind": "police", "category": "sanitation", "urgency": "normal", "location": None},
    {"text": "x", "is_report": True, "kind": "police", "category": "theft", "urgency": "soon", "location": None},
    {"text": "楼下", "is_report": True, "kind": "police", "category": "theft", "urgency": "normal", "location": "楼上"},
    {"text": "早", "is_report": False, "kind": None, "category": "theft", "urgency": None, "location": None},
    {"text": "早", "is_report": "no", "kind": None, "category": None, "urgency": None, "location": None},
    {"text": "", "is_report": False, "kind": None, "category": None, "urgency": None, "location": None},
])
def test_lines_that_break_the_guide_are_refused(row):
    with pytest.raises(BadRow):
        check(row, "t:1")


def test_the_dedup_key_ignores_width_spaces_punctuation_and_emoji():
    assert dedup_key("楼下 有人打架！！😡") == dedup_key("楼下有人打架") == dedup_key("楼下有人打架。")
