"""Reports and photos in the store: written once per submission, found again by their status link."""
import secrets
from datetime import datetime

from sqlmodel import select

from core.privacy import Privacy
from media.keep import PATH, Media, forget_media, keep_media
from media.store import BadKey, check_key
from models import MediaFile, ReportPhoto, Ticket, WebReport
from models.store import session
from web.report.draft import Draft
from web.report.keys import status_key_ok


def create(engine, privacy: Privacy, media: Media, draft: Draft, photos: list[tuple[bytes, str]], device: str,
           address: str, now: datetime) -> WebReport:
    """Keep the photos in the media store, then store the report; the report's key is its identity from here on.

    Full numbers in the text, and the phone given for a call back, are kept sealed and shown masked.
    MediaRefused (past `media.max_photo_bytes`) stores nothing.
    """
    text, text_sealed = privacy.split(draft.text)
    phone, phone_sealed = privacy.split(draft.phone)
    key, urls = secrets.token_urlsafe(16), []
    try:
        for data, kind in photos:
            urls.append(keep_media(media, data, kind, "photo", key, source="web"))
        return _create(engine, key, text, text_sealed, phone, phone_sealed, draft, [u.removeprefix(PATH) for u in urls],
                       device, address, now)
    except BaseException:
        forget_media(media, urls)
        raise


def _create(engine, key: str, text: str, text_sealed: str | None, phone: str, phone_sealed: str | None, draft: Draft,
            photo_keys: list[str], device: str, address: str, now: datetime) -> WebReport:
    with session(engine) as db:
        report = WebReport(key=key, device=device, address=address, text=text,
                           text_sealed=text_sealed, place=draft.place, grid_id=draft.grid_id,
                           preset_grid=draft.preset_grid, lat=draft.lat, lng=draft.lng, phone=phone,
                           phone_sealed=phone_sealed, created_at=now)
        report.photos = photo_keys
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


def photo(engine, media: Media, key: str) -> tuple[bytes, str] | None:
    """A 随手拍 photo's bytes and type: from the media store, or table `reportphoto` for one kept before it.

    Only photos sent with a report (source web) are served here, without a login, as before; anything
    else kept in the media store is served at /media/{key} behind a login.
    """
    try:
        check_key(key)
    except BadKey:
        return None
    with session(engine) as db:
        kept = db.get(MediaFile, key)
        web = kept is not None and kept.source == "web"
        old = None if web else db.exec(select(ReportPhoto).where(ReportPhoto.key == key)).first()
    if web:  # the store read (a network GET on S3) after the session is given back
        return None if kept.expired_at else media.store.get(key)
    return (old.data, old.content_type) if old else None
