"""三率 and 月度考核 as .xlsx for the monthly meeting: a title row, real numbers, filters, frozen headers.

Rates are percentages a spreadsheet can sort and average (not text), durations are hours,
and every sheet says what it covers and when it was made.
"""
import asyncio

from aiohttp import web

from reports.assessment import FORMULA
from reports.rates import Rates
from web.console import assessment_page, stats_page
from web.console.auth import current
from web.console.context import CONSOLE
from web.console.workbook import HOURS, PERCENT, new_book, send_book, titled_sheet

RATE_HEADERS = ["工单数", "及时签收率", "按时办结率", "办结率", "满意率", "默认满意", "签收用时中位数（小时）",
                "办结用时中位数（小时）"]
RATE_FORMATS = [None, PERCENT, PERCENT, PERCENT, PERCENT, None, HOURS, HOURS]
RANK_HEADERS = ["名次", "姓名", "网格/社区", "得分", "承办工单", "及时签收率", "按时办结率", "满意率", "重开率", "五星网格员"]
RANK_FORMATS = [None, None, None, "0.0", None, PERCENT, PERCENT, PERCENT, PERCENT, None]


async def rates_xlsx(request: web.Request) -> web.Response:
    """GET /console/stats.xlsx?area&date_from&date_to: the statistics page's tables."""
    viewer = await current(request, page=False)
    console = request.app[CONSOLE]
    f = stats_page.period(request.query, console)
    found = await asyncio.to_thread(stats_page.compute, console, viewer, f)
    scope = console.templates.globals["area_names"].get(f.area, "全部网格") if f.area else "全部网格"
    subtitle = f"{scope} · 受理日期 {f.date_from} 至 {f.date_to} · 生成于 {_stamp(console, '%Y-%m-%d %H:%M')}"
    book = new_book()
    sheets = [("总体", "范围", {scope: found["overall"]}), ("按网格", "网格", found["by_grid"]),
              ("按类别", "类别", found["by_category"]), ("按承办人", "承办人", found["by_worker"]),
              ("按月", "月份", found["by_month"])]
    for name, first, groups in sheets:
        rows = [[label, *_rate_cells(r)] for label, r in groups.items()]
        titled_sheet(book, name, f"{_station(console)} 三率统计（{name}）", subtitle, [first, *RATE_HEADERS],
               [None, *RATE_FORMATS], rows)
    return send_book(book, f"三率-{f.date_from}至{f.date_to}.xlsx", "rates")


async def assessment_xlsx(request: web.Request) -> web.Response:
    """GET /console/assessment.xlsx?month=YYYY-MM: the month's ranking of grid workers and officers."""
    await current(request, page=False)
    console = request.app[CONSOLE]
    month = assessment_page.chosen_month(request.query, console)
    ranking = await asyncio.to_thread(assessment_page.ranked, console, month)
    subtitle = f"{month} · 计分办法：{FORMULA} · 生成于 {_stamp(console, '%Y-%m-%d %H:%M')}"
    book = new_book()
    for role, title in (("grid_worker", "网格员"), ("officer", "社区民警")):
        rows = [[s.rank, s.name, s.grid, s.score, s.rates.total, s.rates.accept_rate, s.rates.on_time_close_rate,
                 s.rates.satisfaction_rate, s.rates.reopen_rate, "★" if s.five_star else ""] for s in ranking[role]]
        titled_sheet(book, f"{title}排名", f"{_station(console)} {month} {title}月度考核", subtitle, RANK_HEADERS,
               RANK_FORMATS, rows)
    return send_book(book, f"月度考核-{month}.xlsx", "assessment")


def _rate_cells(r: Rates) -> list:
    hours = [None if s is None else round(s / 3600, 2) for s in (r.median_accept_s, r.median_close_s)]
    return [r.total, r.accept_rate, r.on_time_close_rate, r.done_rate, r.satisfaction_rate, r.default_satisfied,
            *hours]


def _station(console) -> str:
    return console.services.settings.station.name


def _stamp(console, fmt: str) -> str:
    return console.services.clock.now().astimezone(console.tz).strftime(fmt)
