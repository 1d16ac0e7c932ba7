"""The board: filters, overdue first with colours, the live refresh, and user text shown escaped."""
import re

from tests.web.conftest import hazard, login

NASTY = "楼道堆满杂物 <script>alert('x')</script> '; DROP TABLE ticket; --"


async def test_it_filters_and_puts_the_most_overdue_first(client, world):
    old = hazard(world)
    world.advance("20m")
    newer = hazard(world, who="李大妈", text="翠湖苑2栋路灯坏了", grid="gh-3", category="facility_repair",
                   location="翠湖苑2栋")
    world.advance("25m")  # the first is 45 minutes unaccepted (limit 30m), the second 25 minutes
    fresh = hazard(world, who="赵叔", text="柳溪村四组有条狗追人", grid="lx-2", category="stray_animal",
                   location="柳溪村四组")
    await login(client, "sz_chen")
    html = await (await client.get("/console/board")).text()
    order = [m for m in re.findall(r"GW-\d{8}-\d{4}", html)]
    assert order.index(old.number) < order.index(fresh.number) < order.index(newer.number)
    assert re.search(rf'<tr class="late1" data-ticket="{old.ticket_id}"', html)
    assert re.search(rf'<tr class="soon" data-ticket="{newer.ticket_id}"', html)
    filtered = await (await client.get("/console/board?category=facility_repair")).text()
    assert newer.number in filtered and old.number not in filtered and fresh.number not in filtered
    overdue = await (await client.get("/console/board?status=overdue")).text()
    assert old.number in overdue and newer.number not in overdue
    live = await client.get("/console/board/live?area=lx-2")
    text = await live.text()
    assert live.status == 200 and fresh.number in text and old.number not in text and "<html" not in text


async def test_unknown_filter_values_are_ignored_not_echoed(client, world):
    hazard(world)
    await login(client, "sz_chen")
    html = await (await client.get("/console/board?area=<b>x</b>&status=drop&date_from=notadate")).text()
    assert "<b>x</b>" not in html and "notadate" not in html


async def test_injection_strings_in_messages_are_shown_escaped(client, world):
    receipt = hazard(world, text=NASTY, location="<img src=x onerror=alert(1)>")
    await login(client, "sz_chen")
    board = await (await client.get("/console/board")).text()
    page = await (await client.get(f"/console/tickets/{receipt.ticket_id}")).text()
    for html in (board, page):
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &#39;; DROP TABLE ticket; --" in page
    assert (await client.get("/console/board")).status == 200  # and the table is still there


async def test_unaccepted_emergencies_then_police_then_overdue_with_marks_and_a_legend(client, world):
    late = hazard(world, who="李大妈", text="翠湖苑2栋路灯坏了", grid="gh-3", category="facility_repair",
                  location="翠湖苑2栋")
    world.advance("2h")  # long overdue to accept
    police = world.report("赵叔", "桂花路有人喝醉了砸酒瓶", category="public_order", kind="police", urgency="urgent",
                          location="桂花路", grid_id="gh-1")
    fallen = world.report("王阿姨", "柳溪村四组路口有人倒地起不来", category="traffic_accident", kind="police",
                          urgency="emergency", location=None, grid_id=None)
    unsure = world.report("钱姐", "这边有人乱倒垃圾", category="sanitation", kind="non_police")
    returned = hazard(world, who="孙叔", text="桂花苑8栋楼道堆满纸箱", location="桂花苑8栋")
    holder = next(m.id for m in world.dispatcher.deps.settings.members if m.name == returned.assignee_names[0])
    assert world.dispatcher.member_text(holder, f"退单 {returned.ticket_id} 不属本网格").ok
    await login(client, "sz_chen")
    html = await (await client.get("/console/board")).text()
    order = [m for m in dict.fromkeys(re.findall(r"GW-\d{8}-\d{4}", html))]
    assert order[:3] == [fallen.number, police.number, late.number]
    row = lambda receipt: re.search(rf'data-ticket="{receipt.ticket_id}">(.*?)</tr>', html, re.S).group(1)  # noqa: E731
    assert "派出所直办" in row(fallen) and "待分拣" not in row(fallen)  # dispatched, though no grid was found
    assert '<span class="tag mark">疑似</span>' in row(unsure)
    assert '<span class="tag mark">待裁定</span>' in row(returned)
    assert 'id="legend"' in html and "超时3倍时限以上" in html


async def test_a_reopened_ticket_is_marked(client, world):
    receipt = hazard(world)
    world.dispatcher.member_text("wg_li", f"接单 {receipt.ticket_id}")
    world.dispatcher.member_text("wg_li", f"办结 {receipt.ticket_id} 已清理")
    world.dispatcher.feedback(world.resident("王阿姨"), False, "还在")
    await login(client, "sz_chen")
    html = await (await client.get("/console/board")).text()
    assert re.search(rf'data-ticket="{receipt.ticket_id}">.*?<span class="tag mark">重办</span>', html, re.S)
