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
    month = chosen_month(request.query, console)
    months = _recent_months(today, 12)
    ranking = await asyncio.to_thread(ranked, console, month)
    return console.render("assessment.html", viewer=viewer, month=month, months=months, ranking=ranking,
                          formula=FORMULA, weights=WEIGHTS)


def chosen_month(query, console) -> str:
    """?month=YYYY-MM, by default the month before this one (the one that has ended)."""
    today = console.services.clock.now().astimezone(console.tz).date()
    month = query.get("month", "")
    last_month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    return month if re.fullmatch(r"20\d\d-(0[1-9]|1[0-2])", month) else last_month


def ranked(console, month: str):
    """The month's ranking of grid workers and officers."""
    services = console.services
    with session(services.reader) as db:
        return assess(db, services.settings, month, console.tz)


def _recent_months(today, count: int) -> list[str]:
    months, cursor = [], today.replace(day=1)
    for _ in range(count):
        months.append(cursor.strftime("%Y-%m"))
        cursor = (cursor - timedelta(days=1)).replace(day=1)
    return months
