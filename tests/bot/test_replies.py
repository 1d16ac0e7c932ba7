"""A reply whose text holds "]]>" (or a character XML forbids) still reaches WeChat as XML that parses to that text."""
import pytest
import xmltodict
from wechatpy.replies import TextReply

from bot.conversation.answer import Answer
from bot.inbound import handle
from bot.inbound.guard import Rejected, parse_xml
from bot.inbound.replies import text_reply
from tests.bot import wechat

TRICKY = "处理结果：见<![CDATA[x]]> 与 a]]>b，末尾]]"


def test_wechatpys_builder_alone_writes_xml_that_does_not_parse():
    broken = TextReply(source="gh", target="oWang", content=TRICKY, time=1).render()
    with pytest.raises(Rejected):  # the CDATA section ends at the first "]]>"
        parse_xml(broken)


def test_the_reply_builder_splits_the_cdata_so_the_text_parses_back_whole():
    xml = text_reply("gh]]>x", "oWang", TRICKY + "\x01\x0b", 1764000000)
    assert parse_xml(xml)["Content"] == TRICKY  # control characters XML forbids are dropped
    assert xmltodict.parse(xml)["xml"]["FromUserName"] == "gh]]>x"


async def test_through_the_route_in_safe_mode_the_resident_reads_the_text_as_written(client, clock, monkeypatch):
    monkeypatch.setattr(handle, "process", lambda ctx, msg, inbox_id, **_: Answer(TRICKY))
    ts = int(clock.now().timestamp())
    for route, encrypt in (("mp", wechat.mp_safe), ("work", wechat.work_encrypted)):
        query, body = encrypt(wechat.text_xml("oWang", "你好", 4242 if route == "mp" else 4243, ts), ts)
        answer = await (await client.post(f"/wechat/{route}", params=query, data=body)).text()
        assert xmltodict.parse(wechat.decrypt_reply(answer, work=route == "work"))["xml"]["Content"] == TRICKY
