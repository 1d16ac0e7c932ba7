"""A task card opens the worker's task page: the card itself and a 详情 button link to /m/t/<id>."""
from types import SimpleNamespace

import pytest
from pydantic import ValidationError

from bot.outbound.transports import Transports
from core.config import Server

CARD = {"title": "【新工单】GW-20261124-0012", "description": "楼道充电", "number": "GW-20261124-0012",
        "ticket_id": 12, "buttons": [{"key": "accept:12", "text": "接单"}, {"key": "resolve:12", "text": "办结"}]}


def card_body(settings, public_url: str) -> dict:
    site = settings.model_copy(update={"server": settings.server.model_copy(update={"public_url": public_url})})
    tokens = SimpleNamespace(engine=None, clock=None)  # the body is built without asking WeChat for anything
    body = Transports(site, None, tokens)._work_body("LiMing", "template_card", {"text": "x", "card": CARD}, "t12:task")
    return body["template_card"]


def test_with_a_public_address_the_card_links_its_details(settings):
    card = card_body(settings, "https://gw.example.gov.cn/")
    assert card["card_action"] == {"type": 1, "url": "https://gw.example.gov.cn/m/t/12"}
    assert [b["text"] for b in card["button_list"]] == ["接单", "办结", "详情"]
    assert card["button_list"][-1] == {"type": 1, "text": "详情", "style": 2, "url": "https://gw.example.gov.cn/m/t/12"}
    assert card["button_list"][0] == {"text": "接单", "style": 1, "key": "accept:12"}  # a click still calls back


def test_without_one_the_card_has_only_its_buttons(settings):
    card = card_body(settings, "")
    assert "card_action" not in card and [b["text"] for b in card["button_list"]] == ["接单", "办结"]


def test_the_public_address_must_be_a_web_address():
    with pytest.raises(ValidationError):
        Server(public_url="gw.example.gov.cn")
    assert Server(public_url="https://gw.example.gov.cn").public_url == "https://gw.example.gov.cn"
