"""The supervisor's actions on a ticket; dispatch does them (audit, deadlines, pushes stay consistent)."""
import asyncio
import logging

from aiohttp import web
from sqlmodel import select

from models import Member
from models.store import session
from web.console import queries
from web.console.auth import check_csrf, current
from web.console.banners import action_code
from web.console.context import CONSOLE
from web.console.takers import takers
from web.console.ticket_page import show
from web.ids import parse_id

log = logging.getLogger(__name__)
ACTIONS = {"reassign", "transfer_police", "press", "arbitrate", "close"}
HANDING = {"reassign", "arbitrate"}  # actions that name who gets the ticket
OUT_OF_REACH, NOT_A_TAKER = "out of reach", "not a taker"


async def act(request: web.Request) -> web.Response:
    """POST /console/tickets/{id}/action: form fields action, member, note, csrf."""
    viewer = await current(request, page=False)
    if not viewer.may_act:
        _refused(viewer, request, "role may not act")
        raise web.HTTPForbidden(text="只有所领导、值班民警和网格指导员可以处理工单")
    form = await request.post()
    check_csrf(viewer, form)
    console = request.app[CONSOLE]
    ticket_id, action, member = parse_id(request.match_info["id"]), str(form.get("action", "")), str(form.get("member", ""))[:64]
    if ticket_id is None:
        _refused(viewer, request, "ticket out of reach")
        raise web.HTTPNotFound(text="没有这个工单，或不在您的查看范围内。")
    if action not in ACTIONS:
        raise web.HTTPBadRequest(text="不支持的操作")
    outcome = await asyncio.to_thread(_apply, console, viewer, action, ticket_id, member,
                                      str(form.get("note", "")).strip()[:500])
    if outcome == OUT_OF_REACH:
        _refused(viewer, request, "ticket out of reach")
        raise web.HTTPNotFound(text="没有这个工单，或不在您的查看范围内。")
    if outcome == NOT_A_TAKER:
        _refused(viewer, request, "reassign target out of scope", target=member)
        raise web.HTTPForbidden(text="只能改派给本工单所在社区（村）的网格员、网格长、社区民警，或值班民警。")
    if not outcome.ok:  # dispatch's reason, shown on the page itself: a link cannot carry words onto it
        return await show(request, viewer, ticket_id, refusal=outcome.message, status=409)
    raise web.HTTPSeeOther(f"/console/tickets/{ticket_id}?msg={action_code(action, member)}")


def _refused(viewer, request: web.Request, reason: str, **extra) -> None:
    log.warning("console action refused", extra={"member": viewer.id, "ticket": request.match_info["id"],
                                                 "reason": reason, "remote": request.remote, **extra})


def _apply(console, viewer, action: str, ticket_id: int, member: str, note: str):
    services = console.services
    with session(services.reader) as db:
        ticket = queries.can_read(db, viewer, ticket_id)
        if ticket is None:
            return OUT_OF_REACH
        if action in HANDING and member:
            members = list(db.exec(select(Member).where(Member.active)).all())
            if member not in {m.id for m in takers(services.settings, ticket, members)}:
                return NOT_A_TAKER
    return services.dispatcher.supervise(viewer.id, action, ticket_id, member=member, note=note)
