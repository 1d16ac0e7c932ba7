"""A message whose processing fails is not only logged: the duty desk is told, through the outbox, to read it."""
from sqlmodel import select

from bot.inbound import handle, inbox
from bot.inbound.incoming import Incoming
from models import InboxMessage, Outbox
from models.store import session
from tests.bot.test_conversation import say


def broken_conversation(monkeypatch):
    def fail(*_args, **_kwargs):
        raise RuntimeError("triage exploded")
    monkeypatch.setattr(handle, "answer_resident", fail)


def desk_alerts(engine) -> dict[str, list[str]]:
    with session(engine) as db:
        rows = db.exec(select(Outbox).where(Outbox.idem_key.like("failed:%")).order_by(Outbox.id)).all()
    alerts: dict[str, list[str]] = {}
    for row in rows:
        alerts.setdefault(row.recipient, []).append(row.payload["text"])
    return alerts


async def test_it_hands_a_message_that_failed_in_the_callback_to_the_duty_desk(client, clock, engine, monkeypatch):
    broken_conversation(monkeypatch)
    assert await say(client, clock, "oBroken", "锦绣花园12栋楼道有人给电瓶车充电", 401) is None  # "success"
    with session(engine) as db:
        row = db.exec(select(InboxMessage).where(InboxMessage.msg_key == "mp:oBroken:401")).one()
    assert row.status == "failed" and "triage exploded" in row.error
    alerts = desk_alerts(engine)
    assert set(alerts) == {"zb_sun", "zb_he"}  # station.duty_desk
    [text] = alerts["zb_sun"]
    assert text.startswith("【消息处理失败，需人工处理】") and "锦绣花园12栋楼道有人给电瓶车充电" in text
    assert "公众号" in text and f"收件编号 {row.id}" in text


async def test_it_hands_a_message_that_failed_in_the_inbox_worker_to_the_duty_desk(bot_ctx, clock, engine,
                                                                                  monkeypatch):
    broken_conversation(monkeypatch)
    msg = Incoming(channel="demo", sender="王阿姨", msg_key="demo:late-1", msg_type="text", text="桂花苑3栋路灯坏了")
    inbox.store(engine, bot_ctx.privacy, msg, clock.now())  # stored unclaimed under a backlog: the worker answers it later
    assert handle.sweep(bot_ctx, clock.now()) == 0
    [text] = desk_alerts(engine)["zb_he"]
    assert "王阿姨" in text and "桂花苑3栋路灯坏了" in text and "演示" in text
    handle.sweep(bot_ctx, clock.advance("1m"))  # failed for good: neither processed nor reported again
    assert len(desk_alerts(engine)["zb_he"]) == 1
