"""The demo shows the other channels: a 随手拍 phone frame and a 微信客服 chat, through the same inbox and outbox."""
from dataclasses import replace

import run
from tests.channels.conftest import holder, tickets
from tests.helpers import make_services, with_demo
from web.app import build_app


async def test_the_demo_page_frames_the_report_page_and_chats_over_kf(aiohttp_client, bot_ctx, engine, settings):
    demo = replace(bot_ctx, settings=with_demo(settings))  # the demo community, no WeChat credentials
    services = make_services(demo.settings, engine, demo.clock, demo.classifier)
    services.bot, services.dispatcher = demo, demo.dispatcher
    client = await aiohttp_client(build_app(services, run.route_setups(services)))
    page = await (await client.get("/demo")).text()
    assert '<iframe src="/r?g=gh-2"' in page and "微信客服" in page
    framed = await client.get("/r?g=gh-2")
    assert framed.status == 200 and framed.headers["X-Frame-Options"] == "SAMEORIGIN"

    said = await (await client.post("/demo/api/kf/say",
                                    json={"resident": "周大爷", "text": "翠湖苑3栋门口的井盖没了 晚上很危险"})).json()
    [ticket] = tickets(engine)
    assert said["reply"].startswith(f"已受理，编号 {ticket.number}")
    bot_ctx.dispatcher.act(holder(engine, ticket.id), "accept", ticket.id)
    chat = (await (await client.get("/demo/api/kf/feed")).json())["chat"]
    assert [(m["from"], m["text"]) for m in chat if m["text"]] == [("周大爷", "翠湖苑3栋门口的井盖没了 晚上很危险")]
    assert "139****" in chat[0]["reply"]  # shown masked, like the rest of the demo
    assert chat[-1]["to"] == "周大爷" and "签收" in chat[-1]["reply"]
    assert (await client.post("/demo/api/kf/say", json={"resident": "", "text": "x"})).status == 400
