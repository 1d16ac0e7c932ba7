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
from web.console.banners import banner
from web.console.context import CONSOLE
from web.console.overdue import lateness
from web.console.reveal import REFUSED, may_reveal, reveal
from web.console.takers import takers
from web.console.timeline import timeline
from web.console.triage_desk import CORRECTABLE
from web.console.viewer import Viewer
from web.ids import parse_id
from web.media import split_photos, voices

log = logging.getLogger(__name__)


async def ticket(request: web.Request) -> web.Response:
    """One ticket, if the viewer may read it (404 otherwise, so ids of other grids reveal nothing)."""
    viewer = await current(request)
    return await show(request, viewer, parse_id(request.match_info["id"]))


async def show(request: web.Request, viewer: Viewer, ticket_id: int | None, *, refusal: str = "",
               status: int = 200, revealed: list | None = None) -> web.Response:
    """The page for `ticket_id` with the line its link's code names on top, or an action's refusal; or 404.
    With `revealed` (显示完整号码), the ticket's full numbers are on it."""
    console = request.app[CONSOLE]
    found = await asyncio.to_thread(_load, console, viewer, ticket_id) if ticket_id else None
    if found is None:
        return console.render("error.html", status=404, viewer=viewer, message="没有这个工单，或不在您的查看范围内。")
    holder = "、".join(h["name"] for h in found["holders"] if h["role"] != "cc") or "新承办人"
    line = {"flash": refusal, "ok": False} if refusal else banner(request.query, holder=holder)
    return console.render("ticket.html", status=status, viewer=viewer, revealed=revealed, **line, **found)


async def reveal_numbers(request: web.Request) -> web.Response:
    """POST /console/tickets/{id}/reveal (csrf): the ticket page with its full numbers, the look audited."""
    viewer = await current(request, page=False)
    if not may_reveal(viewer):
        log.warning("full numbers refused", extra={"member": viewer.id, "ticket": request.match_info["id"][:20]})
        raise web.HTTPForbidden(text=REFUSED)
    check_csrf(viewer, await request.post())
    ticket_id = parse_id(request.match_info["id"])
    services = request.app[CONSOLE].services
    numbers = await asyncio.to_thread(reveal, services, viewer, ticket_id) if ticket_id else None
    return await show(request, viewer, ticket_id if numbers is not None else None, revealed=numbers)


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
        members = list(db.exec(select(Member).where(Member.active)).all())
    photos, withheld = split_photos(t.photos, services.settings)
    return {"t": t, "steps": steps, "feedback": feedback, "late": lateness(t, services.clock.now()),
            "reporters": [{"name": r.name or "居民", "channel": r.channel, "phone": r.phone_masked,
                           "at": utc(link.created_at) if link.created_at else None} for r, link in reporters],
            "holders": [{"name": m.name, "role": a.role, "phone": mask(m.phone),
                         "accepted": a.accepted_at is not None} for a, m in holders],
            "photos": photos, "withheld": withheld, "voices": voices(t.photos),
            "takers": [(m.id, m.name) for m in takers(services.settings, t, members)], "triage": t.triage or {},
            **CORRECTABLE}
