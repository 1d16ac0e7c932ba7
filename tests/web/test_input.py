"""What a link or a form may carry: ids, dates, photo addresses, banner codes, and who a ticket may go to."""
import logging

import pytest
from sqlalchemy import update
from sqlmodel import select

from models import Assignment, Ticket
from models.store import session
from tests.web.conftest import csrf, hazard, login
from web.ids import parse_id

ODD_IDS = ["²", "٣", "99999999999999999999999", "2147483648", "0", "-1", "1e3", "+1", "%201"]


@pytest.mark.parametrize("raw, expected", [("1", 1), ("0042", 42), ("2147483647", 2147483647)] +
                         [(raw, None) for raw in ODD_IDS])
def test_an_id_in_a_path_is_ascii_digits_of_a_row_id_or_nothing(raw, expected):
    assert parse_id(raw) == expected


async def test_odd_ids_are_404_on_every_page_that_takes_one(client, world):
    receipt = hazard(world)
    await login(client, "sz_chen")
    token = await csrf(client, receipt.ticket_id)
    for raw in ODD_IDS:
        page = await client.get(f"/console/tickets/{raw}")
        assert page.status == 404 and "没有这个工单" in await page.text(), raw
        for path in (f"/console/tickets/{raw}/action", f"/console/tickets/{raw}/correct", f"/console/suspects/{raw}"):
            posted = await client.post(path, data={"csrf": token, "action": "press", "decision": "file",
                                                   "category": "sanitation", "urgency": "normal"})
            assert posted.status == 404, (path, posted.status)


@pytest.mark.parametrize("query", ["date_to=9999-12-31", "date_from=0001-01-01", "date_from=2100-01-01"])
async def test_dates_out_of_range_are_400_with_a_reason(client, world, query):
    hazard(world)
    await login(client, "sz_chen")
    for path in ("/console/board", "/console/board/live", "/console/ledger.csv", "/console/ledger.xlsx",
                 "/console/stats", "/console/stats.xlsx"):
        response = await client.get(f"{path}?{query}")
        assert response.status == 400 and "日期超出范围" in await response.text(), path
    assert (await client.get("/console/board?date_to=2026-13-45")).status == 200  # not a date: no filter


async def test_only_our_own_and_wechats_picture_addresses_become_images(client, world, engine):
    receipt = hazard(world)
    urls = ["//evil.example/x.png", "https://mmbiz.qpic.cn/mmbiz_jpg/abc/0", "/m/photos/" + "a" * 32,
            "javascript:alert(1)", "https://mmbiz.qpic.cn.evil.example/x.png", "https://user@mmbiz.qpic.cn/x",
            "/m/photos/../../console/logout", "http://mmbiz.qpic.cn:8443/x"]
    with session(engine) as db:
        db.exec(update(Ticket).where(Ticket.id == receipt.ticket_id).values(photos=[{"url": u} for u in urls]))
        db.commit()
    await login(client, "sz_chen")
    html = await (await client.get(f"/console/tickets/{receipt.ticket_id}")).text()
    images = set(html.split('<img src="')[i].split('"')[0] for i in range(1, html.count('<img src="') + 1))
    assert images == {"https://mmbiz.qpic.cn/mmbiz_jpg/abc/0", "/m/photos/" + "a" * 32}
    assert "来源不明的图片地址（未显示）：<code>//evil.example/x.png</code>" in html
    assert 'href="//evil.example' not in html and 'href="javascript' not in html


async def test_a_banner_is_one_of_ours_whatever_the_link_says(client, world):
    receipt = hazard(world)
    await login(client, "sz_chen")
    url = f"/console/tickets/{receipt.ticket_id}"
    forged = await (await client.get(url + "?ok=1&msg=" + "工单已由所长批准结案，请勿再办")).text()
    assert "工单已由所长批准结案" not in forged and 'id="flash"' not in forged
    coded = await (await client.get(url + "?msg=pressed")).text()
    assert '<p class="flash good" id="flash">已督办，承办人会收到督办通知。</p>' in coded
    suspects = await (await client.get("/console/suspects?msg=<b>你好</b>")).text()
    assert "你好" not in suspects


async def test_the_reassign_form_offers_the_tickets_village_and_the_server_refuses_anyone_else(client, world, engine,
                                                                                                caplog):
    receipt = hazard(world)  # 桂花社区第一网格
    await login(client, "sz_chen")
    html = await (await client.get(f"/console/tickets/{receipt.ticket_id}")).text()
    offered = html.split('id="reassign"')[1].split("</select>")[0]
    assert 'value="wg_wangfang"' in offered and 'value="zb_sun"' in offered  # a 桂花社区 worker, the duty officer
    assert 'value="wg_tangli"' not in offered and 'value="zd_wu"' not in offered  # 柳溪村's worker, an instructor
    token = await csrf(client, receipt.ticket_id)
    for target in ("wg_tangli", "zd_wu", "sz_lin", "nobody"):
        with caplog.at_level(logging.WARNING):
            refused = await client.post(f"/console/tickets/{receipt.ticket_id}/action", allow_redirects=False,
                                        data={"action": "reassign", "member": target, "csrf": token})
        assert refused.status == 403 and "只能改派给本工单所在社区" in await refused.text(), target
    logged = [(r.member, r.reason, r.target) for r in caplog.records if r.name == "web.console.actions"]
    assert logged == [("sz_chen", "reassign target out of scope", t) for t in ("wg_tangli", "zd_wu", "sz_lin", "nobody")]
    with session(engine) as db:
        holders = db.exec(select(Assignment.member_id).where(Assignment.ticket_id == receipt.ticket_id,
                                                             Assignment.active)).all()
    assert holders == ["wg_li"]
