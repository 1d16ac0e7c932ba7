"""Signed callbacks with values no store can keep: the same answer on SQLite and PostgreSQL, never "store down".

These are the fuzz findings that depend on the engine (tests/reliability/test_callback_fuzz.py runs
on SQLite only): PostgreSQL refuses NUL characters in text and NaN in JSON, and a refusal there
used to surface as a 503 that WeChat retries for nothing.
"""
import json
import random

from sqlmodel import select

from models import InboxMessage
from models.store import session
from tests.bot import wechat
from tests.bot.conftest import bot_ctx, client, wechat_settings  # noqa: F401 - fixtures
from tests.reliability.robot_bodies import KEYS, plaintext


def location_xml(ts: int, x: str, y: str) -> str:
    return (f"<xml><ToUserName>gh_demo</ToUserName><FromUserName>oWangAyi</FromUserName><CreateTime>{ts}</CreateTime>"
            f"<MsgType>location</MsgType><Location_X>{x}</Location_X><Location_Y>{y}</Location_Y><Scale>15</Scale>"
            f"<Label><![CDATA[锦绣花园12栋]]></Label><MsgId>7001</MsgId></xml>")


async def test_it_keeps_a_location_whose_coordinates_are_not_numbers(client, clock, engine):
    ts = int(clock.now().timestamp())
    query, body = wechat.mp_safe(location_xml(ts, "nan", "-inf"), ts)
    response = await client.post("/wechat/mp", params=query, data=body)
    assert response.status == 200 and "已收到您的位置" in wechat.decrypt_reply(await response.text())
    with session(engine) as db:
        row = db.exec(select(InboxMessage)).one()
    assert (row.msg_type, row.content, row.payload) == ("location", "锦绣花园12栋", {})


async def test_it_refuses_nul_and_lone_surrogates_from_the_robot(client, clock, engine, caplog):
    ts, answers = str(int(clock.now().timestamp())), []
    for n, text in enumerate(["锦绣花园12栋有人\x00打架", "锦绣花园12栋有人\ud800打架"]):
        data = plaintext(random.Random(n), msgid=f"CAIQ{n}", text={"content": text})
        sealed = json.loads(KEYS.seal(json.dumps(data), "9911", ts))  # ASCII JSON: \u0000 and \ud800 escapes
        query = {"msg_signature": sealed["msgsignature"], "timestamp": ts, "nonce": "9911"}
        response = await client.post("/wechat/robot", params=query, data=json.dumps({"encrypt": sealed["encrypt"]}))
        answers.append(response.status)
    assert answers == [400, 400]
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    with session(engine) as db:
        assert db.exec(select(InboxMessage)).all() == []
