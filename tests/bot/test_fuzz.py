"""10,000 malformed callbacks: every one answered (never a 500), quickly, and nothing stored; guard properties."""
import random
import shutil
import time
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings as hypothesis_settings, strategies as st
from sqlalchemy import func
from sqlmodel import select

from bot.guard import Rejected, check_fields, parse_xml
from bot.incoming import from_wechat_xml
from models import InboxMessage
from models.store import make_engine, session
from tests.bot import wechat

CASES = 10_000


@pytest.fixture
def engine(tmp_path, sqlite_template):
    """SQLite only: this test is about the HTTP edge, and runs 10,000 requests."""
    path = tmp_path / "fuzz.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


def malformed(rng: random.Random, ts: int) -> tuple[dict, bytes]:
    """A body and query that must be refused: broken, hostile, unsigned, or signed garbage."""
    good_query, good_body = wechat.mp_safe(wechat.text_xml("oFuzz", "有人打架", rng.randint(1, 10**6), ts), ts)
    choice = rng.randrange(8)
    if choice == 0:
        return good_query, bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 300)))
    if choice == 1:
        return good_query, good_body.encode()[: rng.randint(0, len(good_body) - 1)]
    if choice == 2:
        return good_query, b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml>&x;</xml>'
    if choice == 3:
        return {**good_query, "msg_signature": "%040x" % rng.getrandbits(160)}, good_body.encode()
    if choice == 4:
        return {**good_query, "timestamp": str(ts + rng.choice([-1, 1]) * rng.randint(301, 10**6))}, good_body.encode()
    if choice == 5:  # correctly signed and encrypted, but the plaintext is not a WeChat message
        junk = rng.choice(["<xml></xml>", "<xml><MsgType>text</MsgType></xml>", "not xml at all", "<a><b/></a>",
                           f"<xml><FromUserName>x</FromUserName><CreateTime>{ts}</CreateTime><MsgType>text</MsgType>"
                           f"<MsgId>-{rng.randint(1, 99)}</MsgId></xml>"])
        return wechat.mp_safe(junk, ts)[0], wechat.mp_safe(junk, ts)[1].encode()
    if choice == 6:
        return {}, good_body.encode()
    return good_query, ("<xml>" + "<a>" * rng.randint(1, 2000) + "</xml>").encode()


async def test_malformed_bodies_never_500_and_store_nothing(client, clock, engine):
    rng, ts = random.Random(2026), int(clock.now().timestamp())
    statuses, slowest = set(), 0.0
    for _ in range(CASES):
        query, body = malformed(rng, ts)
        started = time.perf_counter()
        response = await client.post("/wechat/mp", params=query, data=body)
        slowest = max(slowest, time.perf_counter() - started)
        statuses.add(response.status)
        await response.read()
    assert statuses <= {400, 403, 413}
    assert slowest < 1.0
    with session(engine) as db:
        assert db.exec(select(func.count()).select_from(InboxMessage)).one() == 0


# Properties of the guard itself, in-process: whatever arrives, the only failure is a refusal.
NOW = datetime(2026, 11, 24, 2, tzinfo=timezone.utc)
FIELDS = st.sampled_from(["MsgId", "CreateTime", "FromUserName", "MsgType", "Content", "Event", "EventKey",
                          "Location_X", "Location_Y", "Recognition", "ChatId", "PicUrl", "TaskId"])
VALUES = st.one_of(st.text(max_size=40), st.integers(-2**70, 2**70).map(str))


@hypothesis_settings(max_examples=400, deadline=None)
@given(st.one_of(st.binary(max_size=600), st.text(max_size=600).map(lambda t: f"<xml>{t}</xml>")))
def test_the_parser_refuses_or_returns_a_flat_dict(body):
    try:
        data = parse_xml(body)
    except Rejected as rejected:
        assert rejected.status == 400
        return
    assert all(isinstance(v, (str, type(None))) for k, v in data.items() if k != "SendLocationInfo")


@hypothesis_settings(max_examples=400, deadline=None)
@given(st.dictionaries(FIELDS, VALUES, max_size=8))
def test_any_fields_are_refused_or_read_without_error(fields):
    try:
        check_fields(fields, NOW)
    except Rejected as rejected:
        assert rejected.status == 400
        return
    msg = from_wechat_xml("mp", fields)
    assert msg.msg_key.startswith("mp:") and msg.sender == fields["FromUserName"]
