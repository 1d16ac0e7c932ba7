"""Workers' text commands as typed on a phone."""
import pytest

from dispatch.commands import Command, parse_command


@pytest.mark.parametrize("text, expected", [
    ("接单 12", Command("accept", 12, "")),
    ("接单12", Command("accept", 12, "")),
    ("签收 ０１２", Command("accept", 12, "")),
    ("到场 12", Command("arrive", 12, "")),
    ("办结 12 已劝离，双方和解", Command("resolve", 12, "已劝离，双方和解")),
    ("办结 GW-20261124-0012 已处理", Command("resolve", 12, "已处理")),
    ("退单 12 不属本网格", Command("return", 12, "不属本网格")),
    ("转警 12 有人持刀", Command("transfer_police", 12, "有人持刀")),
    ("转派 12 桂花社区第二网格", Command("transfer_grid", 12, "桂花社区第二网格")),
    ("接单", Command("accept", None, "")),
])
def test_it_reads_commands(text, expected):
    assert parse_command(text) == expected


@pytest.mark.parametrize("text", ["", "收到", "好的谢谢", "今天接单好多", "12 接单"])
def test_other_text_is_not_a_command(text):
    assert parse_command(text) is None
