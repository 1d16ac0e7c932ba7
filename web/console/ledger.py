"""Download the ledger as .xlsx or CSV (UTF-8 with BOM, so Excel opens the Chinese right)."""
import asyncio
import csv
import io
from datetime import datetime
from urllib.parse import quote

from aiohttp import web
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from models.store import session
from web.console import filters
from web.console.auth import current
from web.console.context import CONSOLE
from web.console.ledger_rows import DATES, HEADERS, ledger_rows

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def download(request: web.Request) -> web.Response:
    """GET /console/ledger.xlsx|.csv?<board filters>; 401 without a session."""
    viewer = await current(request, page=False)
    console = request.app[CONSOLE]
    f = filters.parse(request.query, console.services.settings, default_status="all")
    rows = await asyncio.to_thread(_rows, console, viewer, f)
    stamp = console.services.clock.now().astimezone(console.tz).strftime("%Y%m%d-%H%M")
    if request.match_info["fmt"] == "csv":
        body, content_type = to_csv(rows).encode("utf-8-sig"), "text/csv"
    else:
        body, content_type = await asyncio.to_thread(to_xlsx, rows), XLSX
    name = f"台账-{stamp}.{request.match_info['fmt']}"
    return web.Response(body=body, content_type=content_type, charset="utf-8" if content_type == "text/csv" else None,
                        headers={"Content-Disposition": f"attachment; filename=\"ledger-{stamp}.{request.match_info['fmt']}\"; "
                                                        f"filename*=UTF-8''{quote(name)}", "Cache-Control": "no-store"})


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


def to_xlsx(rows: list[list]) -> bytes:
    """An .xlsx workbook with a bold, frozen header row; dates are dates and hours numbers, the rest
    text, never a formula."""
    book = Workbook()
    sheet = book.active
    sheet.title = "台账"
    sheet.append(HEADERS)
    for row in rows:  # control characters (a robot message may carry them) are not allowed in a sheet's XML;
        # they go before the formula check, or "\x01=1+1" would become a formula once stripped
        sheet.append([c if isinstance(c, (datetime, int, float)) else _defuse(ILLEGAL_CHARACTERS_RE.sub("", _text(c)))
                      for c in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for i, header in enumerate(HEADERS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = 40 if header in ("报事内容", "办结情况", "历次办理") else 16
        if header in DATES:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = "yyyy-mm-dd hh:mm"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


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
