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
