"""The supervisors' console at /console: board, tickets, statistics, ledger, assessment.

run.py adds it with `web.console.setup` in route_setups (it needs services.dispatcher for actions).
"""
from aiohttp import web

from core.services import Services
from web.console import (
    actions,
    assessment_page,
    auth,
    board,
    exports,
    ledger,
    security_page,
    stats_page,
    ticket_page,
    triage_page,
)
from web.console.context import CONSOLE, HERE, build_console


def setup(app: web.Application, services: Services) -> None:
    """Add the console's routes and its static files (served locally: no CDN)."""
    app[CONSOLE] = build_console(services)
    router = app.router
    router.add_get("/console", _home)
    router.add_get("/console/login", auth.login_page)
    router.add_post("/console/login", auth.login)
    router.add_post("/console/logout", auth.logout)
    router.add_get("/console/board", board.board)
    router.add_get("/console/board/live", board.board_rows)
    router.add_get("/console/tickets/{id}", ticket_page.ticket)
    router.add_post("/console/tickets/{id}/action", actions.act)
    router.add_post("/console/tickets/{id}/reveal", ticket_page.reveal_numbers)
    router.add_post("/console/tickets/{id}/correct", triage_page.correct)
    router.add_get("/console/suspects", triage_page.suspects)
    router.add_post("/console/suspects/{id}", triage_page.decide)
    router.add_get("/console/security", security_page.security)
    router.add_post("/console/security/unlock", security_page.lift)
    router.add_get("/console/stats", stats_page.stats)
    router.add_get("/console/assessment", assessment_page.assessment)
    router.add_get("/console/ledger.{fmt:(xlsx|csv)}", ledger.download)
    router.add_get("/console/stats.xlsx", exports.rates_xlsx)
    router.add_get("/console/assessment.xlsx", exports.assessment_xlsx)
    router.add_static("/console/static", HERE / "static", append_version=True)


async def _home(request: web.Request) -> web.Response:
    await auth.current(request)
    raise web.HTTPFound("/console/board")
