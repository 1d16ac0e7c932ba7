"""The supervisor's actions on a ticket; dispatch does them (audit, deadlines, pushes stay consistent)."""
import asyncio
import logging
from urllib.parse import urlencode

from aiohttp import web

from models.store import session
from web.console import queries
from web.console.auth import check_csrf, current
from web.console.context import CONSOLE

log = logging.getLogger(__name__)
ACTIONS = {"reassign", "transfer_police", "press", "arbitrate", "close"}


async def act(request: web.Request) -> web.Response:
    """POST /console/tickets/{id}/action: form fields action, member, note, csrf."""
    viewer = await current(request, page=False)
    if not viewer.may_act:
        _refused(viewer, request, "role may not act")
        raise web.HTTPForbidden(text="只有所领导、值班民警和网格指导员可以处理工单")
    form = await request.post()
    check_csrf(viewer, form)
    console = request.app[CONSOLE]
    raw = request.match_info["id"]
    action = str(form.get("action", ""))
    if not raw.isdigit() or action not in ACTIONS:
        raise web.HTTPBadRequest(text="不支持的操作")
    ticket_id = int(raw)
    outcome = await asyncio.to_thread(_apply, console, viewer, action, ticket_id, str(form.get("member", ""))[:64],
                                      str(form.get("note", "")).strip()[:500])
    if outcome is None:
        _refused(viewer, request, "ticket out of reach")
        raise web.HTTPNotFound(text="没有这个工单，或不在您的查看范围内。")
    query = urlencode({"ok": "1" if outcome.ok else "0", "msg": outcome.message})
    raise web.HTTPSeeOther(f"/console/tickets/{ticket_id}?{query}")


def _refused(viewer, request: web.Request, reason: str) -> None:
    log.warning("console action refused", extra={"member": viewer.id, "ticket": request.match_info["id"],
                                                 "reason": reason, "remote": request.remote})


def _apply(console, viewer, action: str, ticket_id: int, member: str, note: str):
    services = console.services
    with session(services.reader) as db:
        if queries.can_read(db, viewer, ticket_id) is None:
            return None
    return services.dispatcher.supervise(viewer.id, action, ticket_id, member=member, note=note)
