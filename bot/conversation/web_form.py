"""The 随手拍 page's messages as the conversation reads them: a report form, or a 回访 answer.

A form is a report by construction: the resident chose to fill it in. Triage still labels it, and
what the model does not take for a report goes to the duty desk rather than being dropped. The
place is the one picked on the page, else the phone's location, else what the text says, else the
grid of the poster the page was opened from.
"""
from dataclasses import replace

from sqlmodel import select

from bot.context import BotContext
from bot.conversation.answer import Answer
from bot.conversation.locate import grid_at
from bot.conversation.submitting import submit
from bot.inbound.incoming import Incoming
from models import Resident, Ticket, WebReport
from models.store import session

NOTHING_TO_ANSWER = "这件事目前不需要评价，谢谢您。"


def answer_web(ctx: BotContext, resident: Resident, msg: Incoming, inbox_id: int | None) -> Answer:
    """Submit the form as a report, or record the 回访 answer given on the status page."""
    if msg.msg_type == "feedback":
        satisfied = msg.text.startswith("满意")
        reason = "" if satisfied else msg.text.removeprefix("不满意").strip()
        outcome = ctx.dispatcher.feedback(resident.id, satisfied, reason)
        return Answer(outcome.message, outcome.ticket_id) if outcome else Answer(NOTHING_TO_ANSWER)
    report = _report(ctx, msg.sender)
    if msg.msg_type != "form" or report is None:
        return Answer(None)
    place = report.place or _located(report)
    located = grid_at(ctx.settings, report.lat, report.lng) if not report.grid_id else None
    written = ctx.privacy.original(report.text, report.text_sealed)
    text = f"{written}（地点：{place}）" if place else written
    triage = ctx.classifier.classify(written)  # the resident's words: a picked place must not sway the category
    if not triage.is_report:
        triage = replace(triage, is_report=True, suspected=False, needs_human=True)
    grid_id = report.grid_id or located or triage.grid_id or report.preset_grid
    answer = submit(ctx, resident, "web", None, inbox_id, text, triage, place=place or None, grid_id=grid_id,
                    also=lambda db, receipt: _file(db, report, resident, receipt.ticket_id, inbox_id))
    _file_photos(ctx, report, resident, answer.ticket_id)
    return answer


def _report(ctx: BotContext, key: str) -> WebReport | None:
    with session(ctx.engine) as db:
        return db.exec(select(WebReport).where(WebReport.key == key)).first()


def _located(report: WebReport) -> str:
    """Coordinates a worker can open on a map, when the phone's location is all there is."""
    return f"手机定位 {report.lat:.5f},{report.lng:.5f}" if report.lat is not None else ""


def _file(db, report: WebReport, resident: Resident, ticket_id: int, inbox_id: int | None) -> None:
    """In the ticket's own transaction: the report learns its ticket, the resident their phone (masked, and sealed)."""
    row = db.get(WebReport, report.id)
    row.ticket_id, row.inbox_id = ticket_id, inbox_id
    db.add(row)
    if report.phone:
        person = db.get(Resident, resident.id)
        person.phone_masked, person.phone_sealed = report.phone, report.phone_sealed
        db.add(person)


def _file_photos(ctx: BotContext, report: WebReport, resident: Resident, ticket_id: int) -> None:
    """The ticket gets the photos it does not have yet (processing the same message again adds none)."""
    with session(ctx.engine) as db:
        have = {p.get("url") for p in db.get(Ticket, ticket_id).photos}
    for key in report.photos:
        if f"/r/photo/{key}" not in have:
            ctx.dispatcher.attach_resident_photo(resident.id, ticket_id, f"/r/photo/{key}")
