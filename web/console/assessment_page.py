"""The assessment page: pick a month, see the ranking and the formula."""
import asyncio
import re
from datetime import timedelta

from aiohttp import web

from models.store import session
from reports.assessment import FORMULA, WEIGHTS, assess
from web.console.auth import current
from web.console.context import CONSOLE


async def assessment(request: web.Request) -> web.Response:
    """?month=YYYY-MM, by default the month before this one (the one that has ended)."""
    viewer = await current(request)
    console = request.app[CONSOLE]
    today = console.services.clock.now().astimezone(console.tz).date()
    last_month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    month = request.query.get("month", "")
    month = month if re.fullmatch(r"20\d\d-(0[1-9]|1[0-2])", month) else last_month
    months = _recent_months(today, 12)
    ranking = await asyncio.to_thread(_assess, console, month)
    return console.render("assessment.html", viewer=viewer, month=month, months=months, ranking=ranking,
                          formula=FORMULA, weights=WEIGHTS)


def _assess(console, month: str):
    services = console.services
    with session(services.reader) as db:
        return assess(db, services.settings, month, console.tz)


def _recent_months(today, count: int) -> list[str]:
    months, cursor = [], today.replace(day=1)
    for _ in range(count):
        months.append(cursor.strftime("%Y-%m"))
        cursor = (cursor - timedelta(days=1)).replace(day=1)
    return months
