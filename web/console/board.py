"""The board (看板): open tickets by state, overdue first, filters, refreshed in place."""
import asyncio
from collections import Counter

from aiohttp import web

from core.vocabulary import CATEGORY_NAMES, KIND_NAMES, OPEN_STATUSES, URGENCY_NAMES
from models.store import session
from web.console import filters, queries
from web.console.auth import current
from web.console.context import CONSOLE

REFRESH_SECONDS = 30


async def board(request: web.Request) -> web.Response:
    """The whole page."""
    viewer = await current(request)
    console = request.app[CONSOLE]
    f = filters.parse(request.query, console.services.settings)
    context = await asyncio.to_thread(_live, console, viewer, f)
    settings = console.services.settings
    return console.render("board.html", viewer=viewer, f=f, refresh=REFRESH_SECONDS, **context,
                          areas=filters.area_choices(settings), categories=CATEGORY_NAMES, kinds=KIND_NAMES,
                          urgencies=URGENCY_NAMES, statuses=filters.STATUS_CHOICES,
                          workers=[(m.id, m.name) for m in settings.members],
                          months=filters.month_presets(console.services.clock.now().astimezone(console.tz).date()))


async def board_rows(request: web.Request) -> web.Response:
    """Just the live part, for the page's auto-refresh (401 when the session has ended)."""
    viewer = await current(request, page=False)
    console = request.app[CONSOLE]
    f = filters.parse(request.query, console.services.settings)
    context = await asyncio.to_thread(_live, console, viewer, f)
    return console.render("_live.html", viewer=viewer, f=f, **context)


def _live(console, viewer, f) -> dict:
    services = console.services
    now = services.clock.now()
    with session(services.reader) as db:
        rows = queries.board_rows(db, viewer, f, services.settings, console.tz, now)
    states = Counter(r.ticket.status for r in rows)
    return {"rows": rows, "now": now, "overdue": sum(1 for r in rows if r.overdue),
            "states": [(s, states[s]) for s in OPEN_STATUSES if states[s]] +
                      [(s, n) for s, n in states.items() if s not in OPEN_STATUSES]}
