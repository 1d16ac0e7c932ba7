"""Download the ledger as .xlsx or CSV (UTF-8 with BOM, so Excel opens the Chinese right)."""
import asyncio
import csv
import io
from datetime import datetime
from urllib.parse import quote

from aiohttp import web

from models.store import session
from web.console import filters
from web.console.auth import current
from web.console.context import CONSOLE
from web.console.ledger_rows import DATES, HEADERS, HOURS_COLUMNS, ledger_rows
from web.console.workbook import DATETIME, HOURS, XLSX, new_book, titled_sheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


async def download(request: web.Request) -> web.Response:
    """GET /console/ledger.xlsx|.csv?<board filters>; 401 without a session."""
    viewer = await current(request, page=False)
    console = request.app[CONSOLE]
    f = filters.parse(request.query, console.services.settings, default_status="all")
    rows = await asyncio.to_thread(_rows, console, viewer, f)
    now = console.services.clock.now().astimezone(console.tz)
    fmt = request.match_info["fmt"]
    if fmt == "csv":
        body, content_type = to_csv(rows).encode("utf-8-sig"), "text/csv"
    else:
        title = f"{console.services.settings.station.name} 工单台账"
        body, content_type = await asyncio.to_thread(to_xlsx, rows, title, _subtitle(console, f, len(rows), now)), XLSX
    stamp = now.strftime("%Y%m%d-%H%M")
    name = f"台账-{stamp}.{fmt}"
    return web.Response(body=body, content_type=content_type, charset="utf-8" if content_type == "text/csv" else None,
                        headers={"Content-Disposition": f"attachment; filename=\"ledger-{stamp}.{fmt}\"; "
                                                        f"filename*=UTF-8''{quote(name)}", "Cache-Control": "no-store"})


def _subtitle(console, f: filters.Filters, count: int, now: datetime) -> str:
    """Which tickets the sheet holds and when it was made: the meeting reads it off the printout."""
    scope = dict(filters.area_choices(console.services.settings)).get(f.area, "全部网格").strip()
    status = filters.STATUS_CHOICES.get(f.status, "全部")
    return (f"{scope} · {describe_period(f, now.date().isoformat())} · 状态：{status} · 共 {count} 件"
            f" · 生成于 {now:%Y-%m-%d %H:%M}")


def _rows(console, viewer, f) -> list[list]:
    services = console.services
    with session(services.reader) as db:
        return ledger_rows(db, viewer, f, services.settings, console.tz)


def to_csv(rows: list[list]) -> str:
    """CSV text; cells that a spreadsheet would run as a formula are prefixed with '."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows([[_defuse(_text(c)) for c in row] for row in rows])
    return out.getvalue()


def to_xlsx(rows: list[list], title: str, subtitle: str) -> bytes:
    """The ledger as a sheet for the monthly meeting: title, what it covers, 序号, a frozen header with an
    autofilter; dates are dates and hours numbers, the rest text, never a formula."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = new_book()
    # control characters (a robot message may carry them) are not allowed in a sheet's XML; they go
    # before the formula check, or "\x01=1+1" would become a formula once stripped
    cells = [[number, *(c if isinstance(c, (datetime, int, float)) else _defuse(ILLEGAL_CHARACTERS_RE.sub("", _text(c)))
                        for c in row)] for number, row in enumerate(rows, start=1)]
    formats = [None, *(DATETIME if h in DATES else HOURS if h in HOURS_COLUMNS else None for h in HEADERS)]
    titled_sheet(book, "台账", title, subtitle, ["序号", *HEADERS], formats, cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def describe_period(f: filters.Filters, today: str) -> str:
    """What the ledger covers, in words, for its subtitle."""
    if f.date_from or f.date_to:
        return f"受理日期 {f.date_from or '最早'} 至 {f.date_to or today}"
    return f"截至 {today} 的全部受理"


def _text(value) -> str:
    """A cell as CSV text: dates as 2026-11-24 10:40, hours with one decimal, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def _defuse(value: str) -> str:
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
