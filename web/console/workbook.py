"""Workbooks for the monthly meeting: a title row, a subtitle that says what the sheet covers and when it
was made, a bold frozen header with an autofilter, real numbers and dates, widths that fit the words.

openpyxl is imported when a workbook is made, not with the console: it is 5 MB in every serving process
that would otherwise carry it for the few downloads a month (web/forking.py preloads it for its children).
"""
import io
from typing import TYPE_CHECKING
from urllib.parse import quote

from aiohttp import web

if TYPE_CHECKING:
    from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERCENT, HOURS, DATETIME = "0.0%", "0.0", "yyyy-mm-dd hh:mm"
WIDEST = 40  # characters; longer text wraps rather than pushing the other columns off the screen


def new_book() -> "Workbook":
    """An empty workbook (sheets are added by titled_sheet)."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    return book


def titled_sheet(book: "Workbook", name: str, title: str, subtitle: str, headers: list[str], formats: list,
                 rows: list) -> None:
    """Title, subtitle, a bold frozen header with an autofilter, then the rows; widths fit the words."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(name)
    sheet.append([title])
    sheet.append([subtitle])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    width = len(headers)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[2].height = 32
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A4"
    sheet.auto_filter.ref = f"A3:{get_column_letter(width)}{max(3, 3 + len(rows))}"
    for column, (header, number_format) in enumerate(zip(headers, formats), start=1):
        letter = get_column_letter(column)
        longest = max([_width(header), *(_width(r[column - 1]) for r in rows)])
        sheet.column_dimensions[letter].width = min(WIDEST, max(10, longest + 2))
        wrap = longest > WIDEST
        if number_format or wrap:
            for (cell,) in sheet.iter_rows(min_row=4, min_col=column, max_col=column):
                if number_format:
                    cell.number_format = number_format
                if wrap:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")


def send_book(book: "Workbook", name: str, ascii_name: str) -> web.Response:
    """The workbook as a download named `name` (Chinese), with an ASCII fallback for old browsers."""
    out = io.BytesIO()
    book.save(out)
    return web.Response(body=out.getvalue(), content_type=XLSX, headers={
        "Content-Disposition": f"attachment; filename=\"{ascii_name}.xlsx\"; filename*=UTF-8''{quote(name)}",
        "Cache-Control": "no-store"})


def _width(value) -> int:
    """Columns are measured in Latin characters; a Chinese character takes about two."""
    if value is None:
        return 0
    if hasattr(value, "strftime"):
        return 16
    text = str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
