"""The /m buttons: 接单 到场 办结 退单 转警, 接手, photos, a leader's 改派, and 见面.

Each goes through dispatch's port exactly as a text command or a card click does, so the
same permission checks, audit, deadlines and pushes apply; the page shows dispatch's answer.
"""
import asyncio

from aiohttp import web

from dispatch.api import Outcome
from media.keep import forget_media
from models import WatchedPerson
from models.store import session
from web.ids import parse_id
from web.mobile import photos
from web.mobile.context import MOBILE
from web.mobile.identity import check_form, current
from web.mobile.pages import flash

MAX_NOTE = 500
ACTS = {"accept": "accept", "take_over": "accept", "arrive": "arrive", "resolve": "resolve", "return": "return",
        "transfer_police": "transfer_police"}
NEEDS_NOTE = {"resolve": "请写明处理情况。", "return": "请写明退单原因。", "transfer_police": "请写明转警原因。"}


async def act(request: web.Request) -> web.Response:
    """POST /m/t/{id}/act: action, note, csrf, and photos (办结, or added later)."""
    person = await current(request)
    ticket_id = _ticket_id(request)
    mobile = request.app[MOBILE]
    try:
        fields, pictures = await photos.read_form(request, person.csrf)
    except photos.BadUpload as bad:
        return _back(f"/m/t/{ticket_id}", Outcome(False, str(bad)))
    check_form(person, fields)
    action, note = fields.get("action", ""), fields.get("note", "").strip()
    refusal = _note_refusal(action, note) if action in ACTS or action == "photo" else "不支持的操作。"
    if refusal:
        return _back(f"/m/t/{ticket_id}", Outcome(False, refusal))
    dispatcher = mobile.services.dispatcher
    outcome = Outcome(True, "")
    if action in ACTS:
        outcome = await asyncio.to_thread(dispatcher.act, person.id, ACTS[action], ticket_id, note)
    if outcome.ok and pictures:
        attached = await asyncio.to_thread(_attach, mobile.services, dispatcher, person.id, ticket_id, pictures)
        outcome = Outcome(attached.ok, " ".join(m for m in (outcome.message, attached.message) if m), ticket_id)
    elif action == "photo":
        outcome = Outcome(False, "请先拍照或选择照片。")
    return _back(f"/m/t/{ticket_id}", outcome)


async def reassign(request: web.Request) -> web.Response:
    """POST /m/t/{id}/reassign: a grid leader hands the ticket to another worker of the grid."""
    person = await current(request)
    ticket_id = _ticket_id(request)
    form = await request.post()
    check_form(person, form)
    note = str(form.get("note", "")).strip()
    if len(note) > MAX_NOTE:
        return _back(f"/m/t/{ticket_id}", Outcome(False, f"说明过长（{len(note)} 字），请控制在 {MAX_NOTE} 字以内。"))
    dispatcher = request.app[MOBILE].services.dispatcher
    outcome = await asyncio.to_thread(dispatcher.reassign_in_grid, person.id, ticket_id,
                                      str(form.get("member", ""))[:64], note)
    return _back(f"/m/t/{ticket_id}", outcome)


async def visit(request: web.Request) -> web.Response:
    """POST /m/visits/{person}: 见面, with a note; the same as texting `见面 王秀英 身体挺好`."""
    person = await current(request)
    form = await request.post()
    check_form(person, form)
    note = " ".join(str(form.get("note", "")).split())
    if len(note) > MAX_NOTE:
        return _back("/m/visits", Outcome(False, f"情况说明过长（{len(note)} 字），请控制在 {MAX_NOTE} 字以内。"))
    services = request.app[MOBILE].services
    watched = await asyncio.to_thread(_watched, services.engine, request.match_info["person"][:64])
    if watched is None:
        return _back("/m/visits", Outcome(False, "名单里没有这个人。"))
    dispatcher = services.dispatcher
    outcome = await asyncio.to_thread(dispatcher.member_text, person.id, f"见面 {watched.name} {note}".strip())
    return _back("/m/visits", outcome or Outcome(False, "没有记录成功，请重试。"))


def _attach(services, dispatcher, member_id: str, ticket_id: int, pictures) -> Outcome:
    try:
        urls = photos.keep(services.media, pictures, member_id, ticket_id)
    except photos.BadUpload as bad:
        return Outcome(False, str(bad), ticket_id)
    for url in urls:
        if dispatcher.attach_photo(member_id, url, ticket_id) is None:
            forget_media(services.media, urls)
            return Outcome(False, "您没有在办这个任务，照片未保存。", ticket_id)
    return Outcome(True, f"已附 {len(urls)} 张照片。", ticket_id)


def _watched(engine, person_id: str) -> WatchedPerson | None:
    with session(engine) as db:
        found = db.get(WatchedPerson, person_id)
    return found if found is not None and found.active else None


def _note_refusal(action: str, note: str) -> str | None:
    if len(note) > MAX_NOTE:
        return f"说明过长（{len(note)} 字），请控制在 {MAX_NOTE} 字以内。"
    if action in NEEDS_NOTE and not note:
        return NEEDS_NOTE[action]
    return None


def _ticket_id(request: web.Request) -> int:
    ticket_id = parse_id(request.match_info["id"])
    if ticket_id is None:
        raise web.HTTPNotFound(text="没有这个任务")
    return ticket_id


def _back(path: str, outcome: Outcome) -> web.Response:
    response = web.HTTPSeeOther(path)
    flash(response, outcome.ok, outcome.message)
    raise response
