"""A card's life over real sockets: sent with a task_id and a response_code, tapped (signed callback in,
update_button out), and every other holder's card updated at the fake WeCom with its own code."""
from types import SimpleNamespace

from sqlmodel import select

from bot.inbound.handle import sweep
from bot.inbound.inbox import store
from bot.inbound.incoming import Incoming
from models import Outbox
from models.store import session
from tests.bot.test_card_buttons import tap
from tests.bot.test_conversation import say, tickets
from tests.bot.test_end_to_end import deliver, phones  # noqa: F401 - fixture
from tests.reliability.invariants import check_cards

HAZARD = "桂花苑3栋楼道里有人给电瓶车充电 线拉得到处都是 电线都发烫了 今天必须处理"  # urgent: a 15-minute rung


def card_rows(engine, ticket_id: int) -> dict[str, Outbox]:
    """The ticket's cards by recipient (one each here)."""
    with session(engine) as db:
        return {r.recipient: r for r in db.exec(select(Outbox).where(Outbox.ticket_id == ticket_id,
                                                                     Outbox.msg_type == "template_card")).all()}


async def a_ticket_with_two_cards(client, clock, bot_ctx, phones, msg_id: int):
    """李明's task card, then 15 minutes of silence and 张强's 接手 card; both delivered."""
    await say(client, clock, "oWangAyi", HAZARD, msg_id)
    [ticket] = tickets(bot_ctx.engine)
    await deliver(phones, clock)
    clock.advance("15m")
    bot_ctx.dispatcher.tick(clock.now())
    await deliver(phones, clock)
    return ticket


async def test_a_tap_updates_the_clickers_card_in_the_reply_and_the_others_through_wecom(client, clock, bot_ctx,
                                                                                          phones):
    ticket = await a_ticket_with_two_cards(client, clock, bot_ctx, phones, 9101)
    rows = card_rows(bot_ctx.engine, ticket.id)
    assert set(rows) == {"wg_li", "wz_zhang"}
    for member, userid in (("wg_li", "LiMing"), ("wz_zhang", "ZhangQ")):  # each send's code kept on its row
        [sent] = phones.cards_to(userid)
        assert sent["task_id"] == rows[member].task_id and phones.codes[rows[member].response_code][0] == userid
    leaders_code = rows["wz_zhang"].response_code

    task = rows["wg_li"].task_id
    reply = await tap(client, clock, "LiMing", f"accept:{ticket.id}", task, phones.tap_code("LiMing", task))
    assert (reply["MsgType"], reply["Button"]["ReplaceName"]) == ("update_button", "已接单")
    await deliver(phones, clock)

    [update] = phones.card_updates  # 张强's card, with the code its own send returned; none for the clicker
    assert (update.to, update.response_code, update.label, update.ok) == ("ZhangQ", leaders_code, "已由李明接单", True)
    assert any(t.startswith(f"已签收 {ticket.number}") for t in phones.to("LiMing"))  # what the tap did
    with session(bot_ctx.engine) as db:
        alerts = db.exec(select(Outbox).where(Outbox.idem_key.like("alert:%"))).all()
    assert alerts == []
    assert {m: r.card_state for m, r in card_rows(bot_ctx.engine, ticket.id).items()} == {
        "wg_li": "已接单", "wz_zhang": "已由李明接单"}
    with session(bot_ctx.engine) as db:
        everything = SimpleNamespace(outbox=list(db.exec(select(Outbox)).all()))
    assert check_cards(everything, phones.sent, phones.card_updates) == []


async def test_a_leader_taking_over_from_the_alert_retires_the_workers_card(client, clock, bot_ctx, phones):
    ticket = await a_ticket_with_two_cards(client, clock, bot_ctx, phones, 9201)
    rows = card_rows(bot_ctx.engine, ticket.id)
    reply = await tap(client, clock, "ZhangQ", f"accept:{ticket.id}", rows["wz_zhang"].task_id)  # 接手
    assert reply["Button"]["ReplaceName"] == "已接单"
    await deliver(phones, clock)
    assert phones.updated("LiMing") == ["已由张强接单"] and phones.updated("ZhangQ") == []
    assert any("已由他人接手" in t for t in phones.to("LiMing"))


async def test_a_tap_answered_late_updates_the_card_with_the_taps_own_code(client, clock, bot_ctx, phones):
    await say(client, clock, "oWangAyi", HAZARD, 9301)
    [ticket] = tickets(bot_ctx.engine)
    await deliver(phones, clock)
    task = card_rows(bot_ctx.engine, ticket.id)["wg_li"].task_id
    code = phones.tap_code("LiMing", task)
    tapped = Incoming(channel="work", sender="LiMing", msg_key="work:LiMing:tap", msg_type="event",
                      event="template_card_event", event_key=f"accept:{ticket.id}", task_id=task, response_code=code)
    store(bot_ctx.engine, bot_ctx.privacy, tapped, clock.now())  # answered "success" under load: the worker processes it later
    assert sweep(bot_ctx, clock.now()) == 1
    await deliver(phones, clock)
    [update] = phones.card_updates
    assert (update.to, update.response_code, update.label, update.ok) == ("LiMing", code, "已接单", True)
    assert any(t.startswith(f"已签收 {ticket.number}") for t in phones.to("LiMing"))
