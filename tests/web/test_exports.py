"""三率 and 月度考核 download as spreadsheets a meeting can use: title, real numbers, filters, frozen header."""
import io

from openpyxl import load_workbook

from tests.web.conftest import hazard, login


async def test_the_rates_download_as_a_workbook_of_numbers(client, world):
    receipt = hazard(world)
    world.dispatcher.act("wg_li", "accept", receipt.ticket_id)
    world.advance("2h")
    world.dispatcher.act("wg_li", "resolve", receipt.ticket_id, "已清理")
    await login(client, "sz_chen")
    assert (await client.get("/console/stats")).status == 200
    response = await client.get("/console/stats.xlsx?date_from=2026-11-01&date_to=2026-11-30")
    assert response.status == 200 and "attachment" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(await response.read()))
    assert book.sheetnames == ["总体", "按网格", "按类别", "按承办人", "按月"]
    sheet = book["按网格"]
    assert sheet["A1"].value == "青石派出所 三率统计（按网格）"
    assert "2026-11-01 至 2026-11-30" in sheet["A2"].value and "生成于" in sheet["A2"].value
    assert [c.value for c in sheet[3]][:3] == ["网格", "工单数", "及时签收率"]
    assert sheet.freeze_panes == "A4" and sheet.auto_filter.ref.startswith("A3:I")
    row = [c.value for c in sheet[4]]
    assert row[0] == "桂花社区第一网格" and row[1] == 1 and row[2] == 1.0 and row[4] == 1.0
    assert sheet.cell(4, 3).number_format == "0.0%"
    assert abs(book["按承办人"].cell(4, 9).value - 2.0) < 0.01  # 办结 2 hours after dispatch


async def test_the_assessment_downloads_both_rankings(client, world):
    await login(client, "sz_chen")
    response = await client.get("/console/assessment.xlsx?month=2026-10")
    book = load_workbook(io.BytesIO(await response.read()))
    assert book.sheetnames == ["网格员排名", "社区民警排名"]
    sheet = book["网格员排名"]
    assert sheet["A1"].value == "青石派出所 2026-10 网格员月度考核"
    assert [c.value for c in sheet[3]] == ["名次", "姓名", "网格/社区", "得分", "承办工单", "及时签收率", "按时办结率",
                                            "满意率", "重开率", "五星网格员"]
    names = [r[1] for r in sheet.iter_rows(min_row=4, values_only=True)]
    assert "李明" in names and sheet.freeze_panes == "A4"


async def test_exports_need_a_session(client):
    assert (await client.get("/console/stats.xlsx")).status == 401
    assert (await client.get("/console/assessment.xlsx")).status == 401
