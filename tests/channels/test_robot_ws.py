"""The robot's long connection: a group report answered in the group, 签收/办结/回访 pushed back there (masked);
heartbeat, reconnect, take-over and one connection across instances."""
import asyncio

import aiohttp
import pytest
from sqlmodel import select

from bot.outbound.sender import Sender
from bot.outbound.tokens import TokenCache
from bot.outbound.transports import Transports
from bot.robotws.inbound import frame_handler
from bot.robotws.link import TAKEN_OVER_PAUSE_S, RobotLink
from bot.robotws.push import LinkKeeper, RobotPush, hold_lease
from models import Outbox, Ticket
from models.store import session
from tests.channels.conftest import holder, tickets
from tests.fakes.robot_ws import BOT_ID, SECRET, FakeRobotLink, wait_for

GROUP = "wrJinxiuBuilding12"


class Pauses:
    """The link's pauses between connections, recorded instead of waited; stops the link after `limit`."""

    def __init__(self, limit: int = 100):
        self.taken, self.limit, self.link = [], limit, None

    async def __call__(self, seconds: float) -> None:
        self.taken.append(seconds)
        if len(self.taken) >= self.limit:
            await self.link.stop()
        await asyncio.sleep(0)


@pytest.fixture
async def robot(aiohttp_server, bot_ctx):
    """(fake WeCom endpoint, the link running against it, a sender whose robot pushes use it)."""
    fake = FakeRobotLink()
    server = await aiohttp_server(fake.app())
    async with aiohttp.ClientSession() as http:
        pauses = Pauses()
        link = RobotLink(http, str(server.make_url("/")).replace("http", "ws"), BOT_ID, SECRET,
                         frame_handler(bot_ctx), heartbeat_s=3600, pause=pauses)
        pauses.link = link
        transports = Transports(bot_ctx.settings, http, TokenCache(bot_ctx.engine, bot_ctx.clock))
        transports.channels["robot"] = RobotPush(link)
        running = asyncio.ensure_future(link.run())
        await asyncio.wait_for(link.ready.wait(), 10)
        yield fake, link, Sender(bot_ctx, transports), pauses
        await link.stop()
        await asyncio.wait_for(running, 10)


async def deliver(sender, clock) -> None:
    while await sender.step(clock.now()):
        pass


def answers(fake) -> list[tuple[str, str]]:
    return [(f["headers"]["req_id"], f["body"]["stream"]["content"]) for f in fake.sent("aibot_respond_msg")]


def pushes(fake) -> list[tuple[str, str]]:
    return [(f["body"]["chatid"], f["body"]["markdown"]["content"]) for f in fake.sent("aibot_send_msg")]


async def test_a_group_report_is_followed_in_the_group_and_its_followup_answered_there(robot, bot_ctx, engine, clock):
    fake, link, sender, _ = robot
    [subscribe] = fake.sent("aibot_subscribe")
    assert subscribe["body"] == {"bot_id": BOT_ID, "secret": SECRET}
    req_id = await fake.says("WangAyi", "锦绣花园12栋楼道里有人给电瓶车充电 线拉得到处都是", GROUP)
    await wait_for(lambda: answers(fake))
    [ticket] = tickets(engine)
    [(answered_id, receipt)] = answers(fake)
    assert answered_id == req_id and receipt.startswith(f"已受理，编号 {ticket.number}")
    assert "139****" in receipt and "13900002" not in receipt  # the group reads it: masked

    worker = holder(engine, ticket.id)
    bot_ctx.dispatcher.act(worker, "accept", ticket.id)
    bot_ctx.dispatcher.act(worker, "resolve", ticket.id, "已劝离，电线已拆除，有事找我13900002204")
    clock.advance(bot_ctx.settings.intake.followup_after)
    bot_ctx.dispatcher.tick(clock.now())
    await deliver(sender, clock)
    chats, texts = zip(*pushes(fake))
    assert set(chats) == {GROUP} and len(texts) == 3
    assert "签收" in texts[0] and "已办结：已劝离，电线已拆除，有事找我139****2204" in texts[1]
    assert texts[2].startswith(f"请问您对编号 {ticket.number} 的处理结果满意吗")

    await fake.says("WangAyi", "满意", GROUP)
    await wait_for(lambda: len(answers(fake)) == 2)
    assert answers(fake)[1][1] == f"感谢您的评价！编号 {ticket.number} 已办结归档。"
    with session(engine) as db:
        assert db.get(Ticket, ticket.id).status == "closed"


async def test_a_member_one_to_one_gets_notices_in_the_single_chat(robot, bot_ctx, engine, clock):
    fake, link, sender, _ = robot
    await fake.says("ZhouDaye", "桂花路的路灯坏了好几天了 晚上一片漆黑")
    await wait_for(lambda: answers(fake))
    [ticket] = tickets(engine)
    bot_ctx.dispatcher.act(holder(engine, ticket.id), "accept", ticket.id)
    await deliver(sender, clock)
    [(chat, text)] = pushes(fake)
    assert chat == "ZhouDaye" and "签收" in text


async def test_entering_the_chat_is_greeted_under_the_events_req_id(robot):
    fake, *_ = robot
    req_id = await fake.push("aibot_event_callback", {"msgid": "e1", "aibotid": BOT_ID, "chattype": "single",
                                                      "from": {"userid": "WangAyi"}, "msgtype": "event",
                                                      "event": {"eventtype": "enter_chat"}})
    await wait_for(lambda: fake.sent("aibot_respond_welcome_msg"))
    [welcome] = fake.sent("aibot_respond_welcome_msg")
    assert welcome["headers"]["req_id"] == req_id and "欢迎" in welcome["body"]["text"]["content"]


async def test_two_unanswered_pings_mean_a_dead_connection_and_a_new_one_is_opened(robot):
    fake, link, _, pauses = robot
    fake.ack_pings = False
    await link.beat()
    await link.beat()
    await wait_for(lambda: len(fake.sent("ping")) == 2)
    await link.beat()  # two pings unanswered: the connection is given up
    await wait_for(lambda: fake.connections == 2 and link.ready.is_set())
    assert pauses.taken == [1] and len(fake.sent("aibot_subscribe")) == 2 and len(fake.sent("ping")) == 2


async def test_an_answered_ping_keeps_the_connection(robot):
    fake, link, _, pauses = robot
    for n in range(1, 6):
        await link.beat()
        await wait_for(lambda sent=n: len(fake.sent("ping")) == sent and link.missed_pings == 0)  # answered
    assert fake.connections == 1 and pauses.taken == []


async def test_a_broken_connection_is_reopened_and_pushes_wait_meanwhile(robot, bot_ctx, engine, clock):
    fake, link, sender, pauses = robot
    await fake.says("WangAyi", "翠湖苑3栋门口的井盖没了 晚上很危险", GROUP)
    await wait_for(lambda: answers(fake))
    [ticket] = tickets(engine)
    link.ready.clear()  # as between losing the connection and subscribing again
    bot_ctx.dispatcher.act(holder(engine, ticket.id), "accept", ticket.id)
    await deliver(sender, clock)
    with session(engine) as db:
        [notice] = db.exec(select(Outbox).where(Outbox.channel == "resident", Outbox.status == "pending")).all()
    assert "not held" in notice.last_error and pushes(fake) == []
    await fake.drop()
    await wait_for(lambda: fake.connections == 2 and link.ready.is_set())
    clock.advance("1m")
    await deliver(sender, clock)
    assert [chat for chat, _ in pushes(fake)] == [GROUP]


async def test_when_another_connection_takes_the_robot_this_one_waits_long(robot):
    fake, link, _, pauses = robot
    await fake.push("aibot_event_callback", {"msgid": "e2", "aibotid": BOT_ID, "from": {"userid": ""},
                                             "msgtype": "event", "event": {"eventtype": "disconnected_event"}})
    await wait_for(lambda: pauses.taken)
    assert pauses.taken[0] == TAKEN_OVER_PAUSE_S


async def test_a_refused_subscription_backs_off_more_each_time(aiohttp_server, bot_ctx):
    fake = FakeRobotLink(secret="another-secret")
    server = await aiohttp_server(fake.app())
    async with aiohttp.ClientSession() as http:
        pauses = Pauses(limit=5)
        link = RobotLink(http, str(server.make_url("/")).replace("http", "ws"), BOT_ID, SECRET,
                         frame_handler(bot_ctx), heartbeat_s=3600, pause=pauses)
        pauses.link = link
        await asyncio.wait_for(link.run(), 10)
    assert pauses.taken == [1, 2, 4, 8, 16] and fake.connections == 5 and not link.ready.is_set()


async def test_one_instance_holds_the_connection_until_its_lease_lapses(engine, clock):
    assert hold_lease(engine, "gw-a", clock.now()) and not hold_lease(engine, "gw-b", clock.now())
    clock.advance("30s")
    assert hold_lease(engine, "gw-a", clock.now())  # renewed
    clock.advance("61s")  # gw-a stopped renewing (stalled or gone)
    assert hold_lease(engine, "gw-b", clock.now()) and not hold_lease(engine, "gw-a", clock.now())


async def test_the_keeper_runs_the_link_only_where_the_lease_is(aiohttp_server, bot_ctx, engine, clock):
    fake = FakeRobotLink()
    server = await aiohttp_server(fake.app())
    async with aiohttp.ClientSession() as http:
        links = [RobotLink(http, str(server.make_url("/")).replace("http", "ws"), BOT_ID, SECRET,
                           frame_handler(bot_ctx), heartbeat_s=3600) for _ in range(2)]
        keepers = [LinkKeeper(link, engine, name) for link, name in zip(links, ("gw-a", "gw-b"))]
        assert [await k.step(clock.now()) for k in keepers] == [1, 0]
        await asyncio.wait_for(links[0].ready.wait(), 10)
        assert fake.connections == 1 and keepers[1].task is None
        for link in links:
            await link.stop()
        await asyncio.wait_for(keepers[0].task, 10)
