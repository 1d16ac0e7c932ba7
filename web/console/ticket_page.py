"""The ticket page: the resident's messages, triage and why, the timeline, and the supervisor's actions."""
import asyncio
import logging

from aiohttp import web
from sqlmodel import select

from core.clock import utc
from core.privacy import mask
from models import Assignment, Feedback, Member, Resident, TicketReporter
from models.store import session
from web.console import queries
from web.console.auth import check_csrf, current
from web.console.context import CONSOLE
from web.console.filters import area_workers
from web.console.overdue import lateness
from web.console.reveal import REFUSED, may_reveal, reveal
from web.console.timeline import timeline
from web.console.triage_desk import CORRECTABLE

log = logging.getLogger(__name__)
TAKERS = {"grid_worker", "grid_leader", "officer", "duty_officer"}


async def ticket(request: web.Request) -> web.Response:
    """One ticket, if the viewer may read it (404 otherwise, so ids of other grids reveal nothing)."""
    viewer = await current(request)
    console = request.app[CONSOLE]
    raw = request.match_info["id"]
    found = await asyncio.to_thread(_load, console, viewer, int(raw)) if raw.isdigit() else None
    if found is None:
        return console.render("error.html", status=404, viewer=viewer, message="没有这个工单，或不在您的查看范围内。")
    return console.render("ticket.html", viewer=viewer, flash=request.query.get("msg", "")[:200],
                          ok=request.query.get("ok") == "1", revealed=None, **found)


async def reveal_numbers(request: web.Request) -> web.Response:
    """POST /console/tickets/{id}/reveal (csrf): the ticket page with its full numbers, the look audited."""
    viewer = await current(request, page=False)
    console = request.app[CONSOLE]
    if not may_reveal(viewer):
        log.warning("full numbers refused", extra={"member": viewer.id, "ticket": request.match_info["id"]})
        raise web.HTTPForbidden(text=REFUSED)
    check_csrf(viewer, await request.post())
    raw = request.match_info["id"]
    ticket_id = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 12 else None
    numbers = await asyncio.to_thread(reveal, console.services, viewer, ticket_id) if ticket_id else None
    found = await asyncio.to_thread(_load, console, viewer, ticket_id) if numbers is not None else None
    if found is None:
        return console.render("error.html", status=404, viewer=viewer, message="没有这个工单，或不在您的查看范围内。")
    return console.render("ticket.html", viewer=viewer, flash="", ok=False, revealed=numbers, **found)


def _load(console, viewer, ticket_id: int) -> dict | None:
    services = console.services
    with session(services.reader) as db:
        t = queries.can_read(db, viewer, ticket_id)
        if t is None:
            return None
        reporters = db.exec(select(Resident, TicketReporter).join(TicketReporter, TicketReporter.resident_id == Resident.id)
                            .where(TicketReporter.ticket_id == t.id).order_by(TicketReporter.id)).all()
        holders = db.exec(select(Assignment, Member).join(Member, Member.id == Assignment.member_id)
                          .where(Assignment.ticket_id == t.id, Assignment.active)).all()
        feedback = db.exec(select(Feedback).where(Feedback.ticket_id == t.id).order_by(Feedback.id)).all()
        steps = timeline(db, t.id)
        members = db.exec(select(Member).where(Member.active)).all()
    local_workers = set(area_workers(services.settings, t.grid_id))
    takers = sorted((m for m in members if TAKERS & set(m.roles)),
                    key=lambda m: (m.id not in local_workers, "grid_worker" not in m.roles, m.id))
    return {"t": t, "steps": steps, "feedback": feedback, "late": lateness(t, services.clock.now()),
            "reporters": [{"name": r.name or "居民", "channel": r.channel, "phone": r.phone_masked,
                           "at": utc(link.created_at) if link.created_at else None} for r, link in reporters],
            "holders": [{"name": m.name, "role": a.role, "phone": mask(m.phone),
                         "accepted": a.accepted_at is not None} for a, m in holders],
            "photos": [p for p in t.photos if str(p.get("url", "")).startswith(("https://", "http://", "/"))],
            "takers": [(m.id, m.name) for m in takers], "triage": t.triage or {}, **CORRECTABLE}
