"""Signed and encrypted XML in; stored rows and replies out; bad input refused and nothing stored."""
import asyncio
from datetime import datetime, timezone

import pytest
import xmltodict
from sqlalchemy import func
from sqlmodel import select
from wechatpy.crypto import WeChatCrypto

from models import InboxMessage, Ticket
from models.store import session
from tests.bot import wechat

SAMPLE_ECHO = "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q=="
SAMPLE_MSG = """<xml><ToUserName><![CDATA[wx49f0ab532d5d035a]]></ToUserName>
<Encrypt><![CDATA[RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=]]></Encrypt>
<AgentID><![CDATA[1]]></AgentID>
</xml>"""


def now_ts(clock) -> int:
    return int(clock.now().timestamp())


def count(engine, model) -> int:
    with session(engine) as db:
        return db.exec(select(func.count()).select_from(model)).one()


async def post_mp(client, clock, content: str, msg_id: int, sender: str = "oWangAyi"):
    ts = now_ts(clock)
    query, body = wechat.mp_safe(wechat.text_xml(sender, content, msg_id, ts), ts)
    response = await client.post("/wechat/mp", params=query, data=body)
    return response.status, await response.text()


async def test_wecoms_official_sample_verifies_and_decrypts(client, clock, engine):
    clock.set(datetime.fromtimestamp(1411443780, timezone.utc))
    response = await client.get("/wechat/work", params={"msg_signature": "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96",
                                                        "timestamp": "1411443780", "nonce": "437374425",
                                                        "echostr": SAMPLE_ECHO})
    assert response.status == 200 and (await response.text()).isdigit()
    clock.set(datetime.fromtimestamp(1411525903, timezone.utc))
    response = await client.post("/wechat/work", data=SAMPLE_MSG, params={
        "msg_signature": "74d92dfeb87ba7c714f89d98870ae5eb62dff26d", "timestamp": "1411525903", "nonce": "461056294"})
    assert response.status == 200
    with session(engine) as db:
        row = db.exec(select(InboxMessage)).one()
    assert (row.channel, row.sender, row.content) == ("work", "messense", "test")


# The Official Account sample published with WeChat's message-crypto SDK (WXBizMsgCrypt Sample.py):
# token "spamtest", the 43-character key below, AppID wx2c2769f8efd9abc2, a signed encrypted text.
OA_SAMPLE = dict(token="spamtest", aes_key="abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", app_id="wx2c2769f8efd9abc2",
                 msg_signature="5d197aaffba7e9b25a30732f161a50dee96bd5fa", timestamp="1409735669", nonce="1320562132")
OA_SAMPLE_MSG = (
    "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]>"
    "</FromUserName><CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[abcdteT]]>"
    "</Content><MsgId>6054768590064713728</MsgId><Encrypt><![CDATA[hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655H"
    "uD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyW"
    "NlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8t"
    "COp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCum"
    "EPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=]]></Encrypt></xml>")


async def test_the_official_account_sample_decrypts_and_gets_an_encrypted_reply(aiohttp_client, bot_ctx, clock, engine):
    from dataclasses import replace

    from tests.bot.conftest import build_client
    w = bot_ctx.settings.wechat
    mp = w.mp.model_copy(update={"token": OA_SAMPLE["token"], "encoding_aes_key": OA_SAMPLE["aes_key"],
                                 "app_id": OA_SAMPLE["app_id"]})
    ctx = replace(bot_ctx, settings=bot_ctx.settings.model_copy(update={"wechat": w.model_copy(update={"mp": mp})}))
    client = await build_client(aiohttp_client, ctx)
    clock.set(datetime.fromtimestamp(int(OA_SAMPLE["timestamp"]), timezone.utc))
    query = {k: OA_SAMPLE[k] for k in ("msg_signature", "timestamp", "nonce")} | {"encrypt_type": "aes"}
    response = await client.post("/wechat/mp", params=query, data=OA_SAMPLE_MSG)
    assert response.status == 200
    with session(engine) as db:
        row = db.exec(select(InboxMessage)).one()
    assert (row.msg_key, row.content) == ("mp:oyORnuP8q7ou2gfYjqLzSIWZf0rs:6054768590064713728", "abcdteT")
    assert row.sender == "oyORnuP8q7ou2gfYjqLzSIWZf0rs"
    reply = xmltodict.parse(await response.text())["xml"]  # safe mode: the reply is encrypted for WeChat
    plain = WeChatCrypto(OA_SAMPLE["token"], OA_SAMPLE["aes_key"], OA_SAMPLE["app_id"]).decrypt_message(
        await response.text(), reply["MsgSignature"], reply["TimeStamp"], reply["Nonce"])
    assert xmltodict.parse(plain)["xml"]["ToUserName"] == "oyORnuP8q7ou2gfYjqLzSIWZf0rs"
    tampered = {**query, "msg_signature": "5d197aaffba7e9b25a30732f161a50dee96bd5fb"}
    assert (await client.post("/wechat/mp", params=tampered, data=OA_SAMPLE_MSG)).status == 403


async def test_a_report_in_safe_mode_gets_an_encrypted_reply_with_its_number(client, clock, engine):
    status, text = await post_mp(client, clock, "锦绣花园12栋楼道里有人给电瓶车充电 线拉得到处都是", 1001)
    assert status == 200
    reply = xmltodict.parse(wechat.decrypt_reply(text))["xml"]
    with session(engine) as db:
        ticket = db.exec(select(Ticket)).one()
    assert reply["ToUserName"] == "oWangAyi"
    assert reply["Content"].startswith(f"已受理，编号 {ticket.number}，网格员")
    assert ticket.grid_id == "gh-2-b"


async def test_plain_mode_and_url_verification(aiohttp_client, bot_ctx, clock):
    from tests.bot.conftest import build_client, plain_mp
    client = await build_client(aiohttp_client, plain_mp(bot_ctx))  # no AES key: plain mode is the channel's mode
    ts = now_ts(clock)
    response = await client.get("/wechat/mp", params={**wechat.plain_query(ts), "echostr": "hello123"})
    assert await response.text() == "hello123"
    response = await client.post("/wechat/mp", params=wechat.plain_query(ts, nonce="2002"),
                                 data=wechat.text_xml("oLi", "早上好", 2002, ts))
    assert "回复“查询”看办理进度" in xmltodict.parse(await response.text())["xml"]["Content"]  # 1:1 help line
    response = await client.post("/wechat/mp", params=wechat.plain_query(ts, nonce="2003"),
                                 data=wechat.text_xml("oLi", "今天天气真好", 2003, ts))
    assert await response.text() == "success"  # at most once an hour
    bad = await client.post("/wechat/mp", params={**wechat.plain_query(ts, nonce="2004"), "signature": "f" * 40},
                            data=wechat.text_xml("oLi", "早上好", 2004, ts))
    assert bad.status == 403


async def test_the_same_message_four_times_and_concurrently_makes_one_report(client, clock, engine):
    results = await asyncio.gather(*[post_mp(client, clock, "桂花苑3栋的路灯坏了好几天了", 3003) for _ in range(4)])
    again = await post_mp(client, clock, "桂花苑3栋的路灯坏了好几天了", 3003)
    assert all(status == 200 for status, _ in [*results, again])
    assert count(engine, Ticket) == 1 and count(engine, InboxMessage) == 1
    # the copies that arrived while the first was being processed waited for its answer
    replies = {xmltodict.parse(wechat.decrypt_reply(t))["xml"]["Content"] for _, t in [*results, again]}
    assert len(replies) == 1 and "已受理" in replies.pop()


@pytest.mark.parametrize("mutate, status", [
    (lambda q, b: ({**q, "msg_signature": "0" * 40}, b), 403),
    (lambda q, b: ({**q, "timestamp": str(int(q["timestamp"]) - 400)}, b), 403),
    (lambda q, b: (q, '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><xml><Encrypt>&a;</Encrypt></xml>'), 400),
    (lambda q, b: (q, "garbage that is not xml"), 400),
    (lambda q, b: (q, "<xml><Encrypt>" + "A" * 100_000 + "</Encrypt></xml>"), 413),
])
async def test_bad_callbacks_are_refused_and_nothing_is_stored(client, clock, engine, mutate, status):
    ts = now_ts(clock)
    query, body = wechat.mp_safe(wechat.text_xml("oBad", "有人打架", 4004, ts), ts)
    query, body = mutate(query, body)
    response = await client.post("/wechat/mp", params=query, data=body)
    assert response.status == status
    assert count(engine, InboxMessage) == 0


async def test_out_of_range_msg_id_or_create_time_is_400(client, clock, engine):
    ts = now_ts(clock)
    for xml in (wechat.text_xml("oX", "hi", 2**64, ts), wechat.text_xml("oX", "hi", 5, ts - 30 * 86400)):
        query, body = wechat.mp_safe(xml, ts)
        assert (await client.post("/wechat/mp", params=query, data=body)).status == 400
    assert count(engine, InboxMessage) == 0


async def test_unknown_types_are_stored_and_answered_success(client, clock, engine):
    ts = now_ts(clock)
    xml = (f"<xml><ToUserName>gh</ToUserName><FromUserName>oY</FromUserName><CreateTime>{ts}</CreateTime>"
           f"<MsgType>shortvideo</MsgType><MsgId>5005</MsgId></xml>")
    query, body = wechat.mp_safe(xml, ts)
    response = await client.post("/wechat/mp", params=query, data=body)
    assert response.status == 200
    assert count(engine, Ticket) == 0


async def test_subscribe_gets_the_welcome_text(client, clock):
    ts = now_ts(clock)
    query, body = wechat.mp_safe(wechat.event_xml("oNew", "subscribe", ts), ts)
    text = await (await client.post("/wechat/mp", params=query, data=body)).text()
    assert "欢迎关注网格哨" in xmltodict.parse(wechat.decrypt_reply(text))["xml"]["Content"]


async def test_a_store_that_is_down_answers_503_so_wechat_retries(aiohttp_client, bot_ctx, clock):
    from dataclasses import replace

    from bot.inbound.routes import setup as bot_routes
    from models.store import make_engine
    from tests.helpers import make_services
    from web.app import build_app
    dead = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    ctx = replace(bot_ctx, engine=dead)
    app = build_app(make_services(ctx.settings, dead, clock, ctx.classifier), [lambda a, _s: bot_routes(a, ctx)])
    client = await aiohttp_client(app)
    ts = int(clock.now().timestamp())
    query, body = wechat.mp_safe(wechat.text_xml("oDown", "桂花苑3栋路灯坏了", 7007, ts), ts)
    response = await client.post("/wechat/mp", params=query, data=body)
    assert response.status == 503
    dead.dispose()
