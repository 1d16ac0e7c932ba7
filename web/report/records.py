"""Reports and photos in the store: written once per submission, found again by their status link."""
import secrets
from datetime import datetime

from sqlmodel import select

from core.privacy import Privacy
from models import ReportPhoto, Ticket, WebReport
from models.store import session
from web.report.draft import Draft
from web.report.keys import status_key_ok


def create(engine, privacy: Privacy, draft: Draft, photos: list[tuple[bytes, str]], device: str, address: str,
           now: datetime) -> WebReport:
    """Store the report and its photos in one transaction; the report's key is its identity from here on.

    Full numbers in the text, and the phone given for a call back, are kept sealed and shown masked.
    """
    text, text_sealed = privacy.split(draft.text)
    phone, phone_sealed = privacy.split(draft.phone)
    with session(engine) as db:
        report = WebReport(key=secrets.token_urlsafe(16), device=device, address=address, text=text,
                           text_sealed=text_sealed, place=draft.place, grid_id=draft.grid_id,
                           preset_grid=draft.preset_grid, lat=draft.lat, lng=draft.lng, phone=phone,
                           phone_sealed=phone_sealed, created_at=now)
        db.add(report)
        db.flush()
        keys = []
        for data, kind in photos:
            key = secrets.token_urlsafe(24)
            db.add(ReportPhoto(key=key, report_id=report.id, content_type=kind, size=len(data), data=data,
                               created_at=now))
            keys.append(key)
        report.photos = keys
        db.add(report)
        db.commit()
        db.refresh(report)
        return report


def number_of(engine, key: str) -> str | None:
    """The ticket number of a report, once processed."""
    with session(engine) as db:
        return db.exec(select(Ticket.number).join(WebReport, WebReport.ticket_id == Ticket.id)
                       .where(WebReport.key == key)).first()


def by_link(engine, secret: bytes, ref: str, k: str) -> tuple[WebReport, Ticket | None] | None:
    """The report a status link opens, and its ticket: `ref` is the ticket number, or the report key while pending."""
    with session(engine) as db:
        if ref.upper().startswith("GW-"):
            ticket = db.exec(select(Ticket).where(Ticket.number == ref.upper())).first()
            candidates = db.exec(select(WebReport).where(WebReport.ticket_id == ticket.id)).all() if ticket else []
        else:
            candidates = db.exec(select(WebReport).where(WebReport.key == ref)).all()
            ticket = db.get(Ticket, candidates[0].ticket_id) if candidates and candidates[0].ticket_id else None
        report = next((r for r in candidates if status_key_ok(secret, r.key, k)), None)
        if report is None:
            return None
        # a ticket merged into another carries on there: follow it, as its reporters are told
        while ticket is not None and ticket.merged_into_id:
            ticket = db.get(Ticket, ticket.merged_into_id)
        return report, ticket


def of_device(engine, device: str, limit: int = 5) -> list[tuple[WebReport, str | None]]:
    """This phone's latest reports with their ticket numbers (for 我的报事)."""
    with session(engine) as db:
        rows = db.exec(select(WebReport, Ticket.number).join(Ticket, Ticket.id == WebReport.ticket_id, isouter=True)
                       .where(WebReport.device == device).order_by(WebReport.id.desc()).limit(limit)).all()
    return [(report, number) for report, number in rows]


def photo(engine, key: str) -> ReportPhoto | None:
    """A stored photo by its key."""
    with session(engine) as db:
        return db.exec(select(ReportPhoto).where(ReportPhoto.key == key)).first()
