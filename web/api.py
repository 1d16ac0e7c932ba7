"""GET /api/tickets and /api/tickets/{id}: JSON for other systems, behind bearer tokens."""
import asyncio
import hmac
import json

from aiohttp import web
from sqlmodel import select

from core.clock import utc
from models import AuditLog, Ticket, TicketReporter
from models.store import session
from web.app import SERVICES
from web.ids import parse_id

MAX_LIMIT = 500


def setup(app: web.Application, services) -> None:
    """Add the ticket API."""
    app.router.add_get("/api/tickets", list_tickets)
    app.router.add_get("/api/tickets/{id}", one_ticket)


def _authorised(request: web.Request) -> None:
    tokens = request.app[SERVICES].settings.api.tokens
    header = request.headers.get("Authorization", "")
    given = header[7:].strip() if header.lower().startswith("bearer ") else ""
    if not given or not any(hmac.compare_digest(given.encode(), t.encode()) for t in tokens):
        raise web.HTTPUnauthorized(text='{"error": "bearer token required"}', content_type="application/json",
                                   headers={"WWW-Authenticate": "Bearer"})


async def list_tickets(request: web.Request) -> web.Response:
    """Tickets, newest first; filters: status, grid, category, kind, limit (≤ 500)."""
    _authorised(request)
    q = request.query
    try:
        limit = min(MAX_LIMIT, max(1, int(q.get("limit", 100))))
    except ValueError:
        raise web.HTTPBadRequest(text='{"error": "limit must be a number"}', content_type="application/json") from None
    statement = select(Ticket).order_by(Ticket.id.desc()).limit(limit)
    for field in ("status", "category", "kind"):
        if q.get(field):
            statement = statement.where(getattr(Ticket, field) == q[field])
    if q.get("grid"):
        statement = statement.where(Ticket.grid_id == q["grid"])
    rows = await asyncio.to_thread(_all, request.app[SERVICES].reader, statement)
    return web.json_response({"tickets": [_summary(t) for t in rows]}, dumps=_dumps)


async def one_ticket(request: web.Request) -> web.Response:
    """One ticket with its reporters count and full timeline."""
    _authorised(request)
    ticket_id = parse_id(request.match_info["id"])
    found = await asyncio.to_thread(_detail, request.app[SERVICES].reader, ticket_id) if ticket_id else None
    if found is None:
        raise web.HTTPNotFound(text='{"error": "no such ticket"}', content_type="application/json")
    return web.json_response(found, dumps=_dumps)


def _all(engine, statement):
    with session(engine) as db:
        return db.exec(statement).all()


def _detail(engine, ticket_id: int) -> dict | None:
    with session(engine) as db:
        ticket = db.get(Ticket, ticket_id)
        if ticket is None:
            return None
        reporters = db.exec(select(TicketReporter).where(TicketReporter.ticket_id == ticket_id)).all()
        log = db.exec(select(AuditLog).where(AuditLog.ticket_id == ticket_id).order_by(AuditLog.id)).all()
    return _summary(ticket) | {
        "text": ticket.text, "triage": ticket.triage, "resolution": ticket.resolution, "photos": ticket.photos,
        "reporters": len(reporters),
        "timeline": [{"at": _iso(a.at), "actor": a.actor, "action": a.action, "from": a.from_status,
                      "to": a.to_status, "note": a.note} for a in log]}


def _summary(t: Ticket) -> dict:
    return {"id": t.id, "number": t.number, "status": t.status, "kind": t.kind, "category": t.category,
            "urgency": t.urgency, "place": t.place, "grid": t.grid_id, "route": t.route,
            "created_at": _iso(t.created_at), "accepted_at": _iso(t.accepted_at), "resolved_at": _iso(t.resolved_at),
            "closed_at": _iso(t.closed_at)}


def _iso(value) -> str | None:
    return utc(value).isoformat() if value else None


def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)
