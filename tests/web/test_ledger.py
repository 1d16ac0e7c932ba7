"""The ledger: Chinese headers, the filtered rows, phones masked for roles that may not see them."""
import csv
import io
import re

from openpyxl import load_workbook

from tests.web.conftest import hazard, login
from web.console.ledger_rows import HEADERS


def _column(header: str) -> int:
    """The sheet's column of a header: 序号 comes first."""
    return HEADERS.index(header) + 2


async def _csv(client, query=""):
    response = await client.get(f"/console/ledger.csv?{query}")
    assert response.status == 200 and "attachment" in response.headers["Content-Disposition"]
    body = await response.read()
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


async def test_it_exports_the_filtered_tickets_with_chinese_headers(client, world):
    a = hazard(world)
    b = hazard(world, who="李大妈", text="翠湖苑2栋路灯坏了", grid="gh-3", category="facility_repair", location="翠湖苑2栋")
    await login(client, "sz_chen")
    rows = await _csv(client, "category=facility_repair&status=all")
    assert rows[0] == HEADERS
    assert [r[0] for r in rows[1:]] == [b.number]
    xlsx = await client.get("/console/ledger.xlsx?status=all")
    sheet = load_workbook(io.BytesIO(await xlsx.read())).active
    values = list(sheet.values)
    assert list(values[2]) == ["序号", *HEADERS] and {v[1] for v in values[3:]} == {a.number, b.number}


async def test_phones_are_masked_for_every_role_the_file_travels(client, world):
    receipt = hazard(world, text="桂花苑3栋楼道有人给电瓶车充电 我电话13812345678")
    world.dispatcher.act("wg_li", "accept", receipt.ticket_id)
    for member in ("sz_chen", "zd_wu"):  # even 所领导: full numbers only by 显示完整号码 on the ticket page
        await login(client, member)
        row = (await _csv(client))[1]
        assert row[HEADERS.index("承办人电话")] == "139****2102"
        assert "138****5678" in row[HEADERS.index("报事内容")] and "13812345678" not in ",".join(row)


async def test_cells_that_look_like_formulas_stay_text(client, world):
    hazard(world, text="=HYPERLINK(\"http://x\",\"点我\")")
    await login(client, "sz_chen")
    row = (await _csv(client))[1]
    assert row[HEADERS.index("报事内容")].startswith("'=")
    xlsx = await client.get("/console/ledger.xlsx")
    cell = load_workbook(io.BytesIO(await xlsx.read())).active.cell(row=4, column=_column("报事内容"))
    assert cell.data_type == "s" and cell.value.startswith("'=")


async def test_a_reopened_ticket_shows_who_has_it_now_and_every_round(client, world):
    receipt = hazard(world)
    world.advance("12m")
    world.dispatcher.act("wg_li", "accept", receipt.ticket_id)
    world.advance("1h30m")
    world.dispatcher.act("wg_li", "resolve", receipt.ticket_id, "已劝离")
    world.dispatcher.feedback(world.resident("王阿姨"), False, "车还在楼道里")
    await login(client, "sz_chen")
    row = dict(zip(HEADERS, (await _csv(client, "status=all"))[1]))
    assert (row["当前状态"], row["当前承办人"], row["承办人电话"]) == ("已派单", "王芳", "139****2103")
    assert (row["办结时间"], row["首次办结是否按时"], row["办结情况"]) == ("", "", "")  # not closed in this round
    assert row["重办次数"] == "1" and row["签收用时（小时）"] == "0.2"
    assert row["历次办理"] == "第1次：李明 2026-11-24 11:42 办结：已劝离；回访不满意：车还在楼道里 | 第2次：办理中"
    assert row["受理时间"] == "2026-11-24 10:00"
    sheet = load_workbook(io.BytesIO(await (await client.get("/console/ledger.xlsx?status=all")).read())).active
    received = sheet.cell(row=4, column=_column("受理时间"))
    assert received.is_date and received.value.strftime("%Y-%m-%d %H:%M") == "2026-11-24 10:00"
    assert sheet.cell(row=4, column=_column("签收用时（小时）")).value == 0.2


async def test_a_closed_ticket_shows_its_handling_and_hours(client, world):
    receipt = hazard(world)
    world.dispatcher.act("wg_li", "accept", receipt.ticket_id)
    world.advance("3h")
    world.dispatcher.act("wg_li", "resolve", receipt.ticket_id, "已清理")
    await login(client, "sz_chen")
    row = dict(zip(HEADERS, (await _csv(client, "status=all"))[1]))
    assert (row["当前承办人"], row["办结用时（小时）"]) == ("李明", "3.0")
    assert (row["首次办结是否按时"], row["办结情况"]) == ("是", "已清理")
    assert row["重办次数"] == "0" and row["历次办理"].startswith("第1次：李明 2026-11-24 13:00 办结：已清理")


async def test_the_month_ledger_is_ready_for_the_meeting(client, world):
    """Picked from the board's month links: title, period, 序号, autofilter, frozen header, dates as dates."""
    first = hazard(world)
    world.advance("2h")
    second = hazard(world, who="李大妈", text="翠湖苑2栋路灯坏了", grid="gh-3", category="facility_repair",
                    location="翠湖苑2栋")
    await login(client, "sz_chen")
    board = await (await client.get("/console/board")).text()
    link = re.search(r'class="month-ledger" href="([^"]+)">本月（11月）台账', board).group(1).replace("&amp;", "&")
    assert "date_from=2026-11-01" in link and "date_to=2026-11-30" in link and "status=all" in link
    sheet = load_workbook(io.BytesIO(await (await client.get(link)).read())).active
    assert sheet["A1"].value == "青石派出所 工单台账"
    assert "受理日期 2026-11-01 至 2026-11-30" in sheet["A2"].value and "共 2 件" in sheet["A2"].value
    assert sheet.freeze_panes == "A4" and sheet.auto_filter.ref == f"A3:{sheet.cell(3, len(HEADERS) + 1).column_letter}5"
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert [(r[0], r[1]) for r in rows] == [(1, first.number), (2, second.number)]
    assert sheet.cell(4, _column("受理时间")).is_date
    widths = {h: sheet.column_dimensions[sheet.cell(3, _column(h)).column_letter].width for h in ("报事内容", "网格")}
    assert widths["报事内容"] > widths["网格"] >= 10
    last_month = load_workbook(io.BytesIO(await (await client.get(
        "/console/ledger.xlsx?status=all&date_from=2026-10-01&date_to=2026-10-31")).read())).active
    assert "共 0 件" in last_month["A2"].value and last_month.max_row == 3
