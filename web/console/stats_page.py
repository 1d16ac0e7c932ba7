"""Statistics (统计): the four rates and two medians, by grid, category, worker and month, with charts."""
import asyncio
from collections import Counter
from datetime import date, timedelta

from aiohttp import web

from core.clock import utc
from core.vocabulary import category_name
from models.store import session
from reports import rates
from reports.facts import load_facts
from web.console import charts, filters, queries
from web.console.auth import current
from web.console.context import CONSOLE

DEFAULT_DAYS = 30


async def stats(request: web.Request) -> web.Response:
    """The page; the period defaults to the last 30 days."""
    viewer = await current(request)
    console = request.app[CONSOLE]
    settings = console.services.settings
    f = period(request.query, console)
    context = await asyncio.to_thread(compute, console, viewer, f)
    return console.render("stats.html", viewer=viewer, f=f, areas=filters.area_choices(settings),
                          definitions=rates.DEFINITIONS, **context)


def period(query, console) -> filters.Filters:
    """The page's filters: an area and a period, by default the last 30 days."""
    today = console.services.clock.now().astimezone(console.tz).date()
    f = filters.parse(query, console.services.settings, default_status="all")
    start = today - timedelta(days=DEFAULT_DAYS - 1)
    return filters.Filters(area=f.area, status="all", date_from=f.date_from or start.isoformat(),
                           date_to=f.date_to or today.isoformat())


def compute(console, viewer, f: filters.Filters) -> dict:
    """The rates overall and by grid, category, worker and month, and the charts."""
    services = console.services
    with session(services.reader) as db:
        found = queries.tickets(db, viewer, f, services.settings, console.tz, queries.LEDGER_LIMIT)
        facts = load_facts(db, found)
    names = {m.id: m.name for m in services.settings.members}
    grid_of = _top_grids(services.settings)
    tz = console.tz
    by_grid = rates.by(facts, lambda x: grid_of.get(x.ticket.grid_id or "", "待分拣"))
    by_category = rates.by(facts, lambda x: category_name(x.ticket.category))
    by_worker = rates.by(facts, lambda x: names.get(x.handler or "", x.handler))
    by_month = dict(sorted(rates.by(facts, lambda x: utc(x.ticket.created_at).astimezone(tz).strftime("%Y-%m")).items()))
    days = _days(f.date_from, f.date_to)
    created = Counter(utc(x.ticket.created_at).astimezone(tz).date().isoformat() for x in facts)
    resolved = Counter(x.resolved_at.astimezone(tz).date().isoformat() for x in facts if x.resolved_at)
    trend = charts.line_chart([d[5:] for d in days], [("新增", [created[d] for d in days]),
                                                      ("办结", [resolved[d] for d in days])])
    split = charts.bar_chart([(k, v.total) for k, v in by_category.items()], unit="件")
    grids = list(by_grid)
    per_grid = charts.grouped_bars(grids, [("及时签收率", [by_grid[g].accept_rate for g in grids]),
                                           ("按时办结率", [by_grid[g].on_time_close_rate for g in grids]),
                                           ("满意率", [by_grid[g].satisfaction_rate for g in grids])])
    return {"overall": rates.compute(facts), "by_grid": by_grid, "by_category": by_category,
            "by_worker": by_worker, "by_month": by_month, "trend": trend, "split": split, "per_grid": per_grid}


def _top_grids(settings) -> dict[str, str]:
    """Grid and micro-grid ids → the top-level grid's name (micro-grids roll up into their grid)."""
    names = {}
    for _, grid in settings.grids():
        names[grid.id] = grid.name
        names.update({m.id: grid.name for m in grid.micro_grids})
    return names


def _days(start: str, end: str) -> list[str]:
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    count = min(366, max(0, (last - first).days) + 1)
    return [(first + timedelta(days=i)).isoformat() for i in range(count)]
