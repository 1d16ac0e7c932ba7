"""The status link: a resident follows the report, answers 回访 there, and sees nobody's personal data."""
import re

import aiohttp
from sqlmodel import select

from bot.outbound.page import ShownOnPage
from bot.outbound.sender import Sender
from bot.outbound.tokens import TokenCache
from bot.outbound.transports import Transports
from models import Feedback, Outbox, Ticket
from models.store import session
from tests.channels.conftest import JPEG, form_token, holder, tickets
from tests.channels.test_report_page import form

LEAK = ("李明", "黄伟", "徐磊", "13900002", "13812345678", "王阿姨")


async def reported(page, text="锦绣花园12栋楼道里有人给电瓶车充电，线拉得到处都是", **fields) -> str:
    """Submit a report as this phone; the status link it was given."""
    token = await form_token(page)
    html = await (await page.post("/r", data=form(token, text, **fields))).text()
    return re.search(r'href="(/r/t/[^"]+)"', html).group(1)


async def test_the_page_follows_the_report_from_acceptance_to_a_satisfied_followup(page, engine, bot_ctx):
    link = await reported(page, phone="13812345678", village="guihua", place="锦绣花园", building="12",
                          photos=[("a.jpg", JPEG, "image/jpeg")])
    [ticket] = tickets(engine)
    html = await (await page.get(link)).text()
    assert f"编号 <strong>{ticket.number}</strong>" in html and "已派单给处置人员" in html
    assert "电瓶车充电" in html and "/r/photo/" in html and "对处理结果满意吗" not in html
    worker = holder(engine, ticket.id)
    bot_ctx.dispatcher.act(worker, "accept", ticket.id)
    assert "处置人员已签收" in await (await page.get(link)).text()
    bot_ctx.dispatcher.act(worker, "resolve", ticket.id, "已劝离并清理电线，有问题找网格员13900002204")
    html = await (await page.get(link)).text()
    assert "已办结" in html and "处理结果：</strong>已劝离并清理电线，有问题找网格员139****2204" in html
    assert "对处理结果满意吗" in html
    assert not [word for word in LEAK if word in html]
    token = re.search(r'name="csrf" value="([^"]+)"', html).group(1)
    answered = await page.post(link.replace("?k=", "/feedback?k="), data={"csrf": token, "verdict": "满意"})
    html = await answered.text()
    assert answered.status == 200 and "您的评价：满意" in html and "对处理结果满意吗" not in html
    with session(engine) as db:
        assert db.get(Ticket, ticket.id).status == "closed"
        [feedback] = db.exec(select(Feedback)).all()
    assert feedback.satisfied is True


async def test_not_satisfied_with_a_reason_reopens_the_ticket(page, engine, bot_ctx):
    link = await reported(page, "桂花路的路灯坏了好几天了，晚上一片漆黑", village="guihua", place="桂花路")
    [ticket] = tickets(engine)
    worker = holder(engine, ticket.id)
    bot_ctx.dispatcher.act(worker, "accept", ticket.id)  # 办结 needs a 签收 first
    bot_ctx.dispatcher.act(worker, "resolve", ticket.id, "已报修")
    token = re.search(r'name="csrf" value="([^"]+)"', await (await page.get(link)).text()).group(1)
    feedback = link.replace("?k=", "/feedback?k=")
    await page.post(feedback, data={"csrf": token, "verdict": "不满意", "reason": "还是不亮"})
    again = await page.post(feedback, data={"csrf": token, "verdict": "不满意", "reason": "还是不亮"})  # pressed twice
    html = await again.text()
    assert "您不满意，已重新办理" in html and "您的评价：不满意：还是不亮" in html
    with session(engine) as db:
        assert db.get(Ticket, ticket.id).status == "dispatched"
        assert [(f.satisfied, f.reason) for f in db.exec(select(Feedback)).all()] == [(False, "还是不亮")]


async def test_a_link_with_a_wrong_key_or_another_reports_key_opens_nothing(page, engine):
    mine = await reported(page)
    theirs = await reported(page, "翠湖苑3栋门口的井盖没了，晚上很危险")
    first, second = tickets(engine)
    assert (await page.get(mine.split("?k=")[0] + "?k=guess")).status == 404
    assert (await page.get(f"/r/t/{first.number}?k={theirs.split('?k=')[1]}")).status == 404
    assert (await page.get(f"/r/t/{second.number}")).status == 404
    refused = await page.post(f"/r/t/{first.number}/feedback?k=guess", data={"csrf": "x", "verdict": "满意"})
    assert refused.status == 404


async def test_two_residents_reporting_the_same_matter_each_see_only_their_own_words(page, aiohttp_client, engine):
    mine = await reported(page, "桂花苑3栋门口的垃圾桶满了好几天，臭得不行", village="guihua", place="桂花苑", building="3")
    neighbour = await aiohttp_client(page.app)  # another phone
    theirs = await reported(neighbour, "桂花苑3栋垃圾桶满了没人清理，王阿姨说臭死了", village="guihua", place="桂花苑",
                            building="3")
    [ticket] = tickets(engine)
    assert mine.startswith(f"/r/t/{ticket.number}?k=") and theirs.startswith(f"/r/t/{ticket.number}?k=")
    html = await (await neighbour.get(theirs)).text()
    assert "并入一并处理" in html and "王阿姨说臭死了" in html and "臭得不行" not in html
    assert "臭得不行" in await (await page.get(mine)).text()


async def test_notices_for_a_web_reporter_are_delivered_to_the_page_without_any_call(page, engine, bot_ctx, clock):
    await reported(page)
    [ticket] = tickets(engine)
    bot_ctx.dispatcher.act(holder(engine, ticket.id), "accept", ticket.id)
    async with aiohttp.ClientSession() as http:
        transports = Transports(bot_ctx.settings, http, TokenCache(engine, clock))
        transports.channels["web"] = ShownOnPage()
        while await Sender(bot_ctx, transports).step(clock.now()):
            pass
    with session(engine) as db:
        [notice] = db.exec(select(Outbox).where(Outbox.channel == "resident")).all()
    assert notice.status == "sent" and "已由" in notice.payload["text"]
