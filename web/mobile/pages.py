"""The /m pages: 我的任务, 本网格 for a grid leader, one task, and 两天必见面 visits."""
import asyncio
import logging
from urllib.parse import quote, unquote

from aiohttp import web

from models.store import session
from web.console.reveal import REFUSED, may_reveal, reveal
from web.ids import parse_id
from web.mobile import detail, tasks, visits
from web.mobile.context import MOBILE
from web.mobile.identity import check_form, current

log = logging.getLogger(__name__)
FLASH = "gw_m_flash"


async def home(request: web.Request) -> web.Response:
    """我的任务: to accept and in progress, overdue first, with the time left."""
    person = await current(request)
    mobile = request.app[MOBILE]
    services = mobile.services

    def load():
        with session(services.engine) as db:
            return tasks.my_tasks(db, person.id, services.clock.now()), visits.due_count(db, person.id,
                                                                                          services.clock.now())
    mine, due_visits = await asyncio.to_thread(load)
    return _page(request, "tasks.html", person=person, tab="mine", cards=mine, due_visits=due_visits)


async def grid(request: web.Request) -> web.Response:
    """本网格: a grid leader's open tickets, overdue first."""
    person = await current(request)
    if not person.leads:
        raise web.HTTPFound("/m")
    services, directory = request.app[MOBILE].services, request.app[MOBILE].directory

    def load():
        with session(services.engine) as db:
            return tasks.grid_tasks(db, list(person.leads), directory, services.clock.now())
    cards = await asyncio.to_thread(load)
    return _page(request, "grid.html", person=person, tab="grid", cards=cards)


async def task(request: web.Request) -> web.Response:
    """One task (the card's 详情 opens it); 404 for tickets the member may not read."""
    person = await current(request)
    services = request.app[MOBILE].services
    ticket_id = parse_id(request.match_info["id"])
    directory = request.app[MOBILE].directory

    def load():
        with session(services.engine) as db:
            return detail.load(db, person, ticket_id, directory, services.clock.now())
    found = await asyncio.to_thread(load) if ticket_id else None
    if found is None:
        return _page(request, "error.html", status=404, person=person, message="没有这个任务，或它不归您处理。")
    return _page(request, "task.html", person=person, tab="", revealed=None, **found)


async def reveal_numbers(request: web.Request) -> web.Response:
    """POST /m/t/{id}/reveal (csrf): the task with its full numbers, for 民警, 值班 and 所领导; the look audited."""
    person = await current(request)
    if not may_reveal(person.viewer):
        log.warning("full numbers refused", extra={"member": person.id, "ticket": request.match_info["id"][:20]})
        raise web.HTTPForbidden(text=REFUSED)
    check_form(person, await request.post())
    services, directory = request.app[MOBILE].services, request.app[MOBILE].directory
    ticket_id = parse_id(request.match_info["id"])

    def load():
        numbers = reveal(services, person.viewer, ticket_id)
        if numbers is None:
            return None
        with session(services.engine) as db:
            found = detail.load(db, person, ticket_id, directory, services.clock.now())
        return None if found is None else found | {"revealed": numbers}
    found = await asyncio.to_thread(load) if ticket_id else None
    if found is None:
        return _page(request, "error.html", status=404, person=person, message="没有这个任务，或它不归您处理。")
    return _page(request, "task.html", person=person, tab="", **found)


async def visit_list(request: web.Request) -> web.Response:
    """两天必见面: the people under my watch, the longest unseen first."""
    person = await current(request)
    services = request.app[MOBILE].services

    now = services.clock.now()

    def load():
        with session(services.engine) as db:
            return visits.people(db, person, now)
    return _page(request, "visits.html", person=person, tab="visits", people=await asyncio.to_thread(load), now=now,
                 names={m.id: m.name for m in services.settings.members})


def flash(response: web.StreamResponse, ok: bool, message: str) -> None:
    """Say on the next page what the last action did (a cookie, so no link can put words on the page)."""
    response.set_cookie(FLASH, ("1" if ok else "0") + quote(message[:300], safe=""), max_age=60, path="/m",
                        httponly=True, samesite="Lax")


def _page(request: web.Request, name: str, status: int = 200, **context) -> web.Response:
    raw = request.cookies.get(FLASH, "")
    response = request.app[MOBILE].render(name, status, flash=unquote(raw[1:]), flash_ok=raw[:1] == "1", **context)
    if raw:
        response.del_cookie(FLASH, path="/m")
    return response
