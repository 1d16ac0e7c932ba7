"""GET /r, the report form, and POST /r: store the report, hand it to the inbox, answer with its number and link."""
import asyncio
import time

from aiohttp import web

from bot.inbound.incoming import Incoming
from bot.inbound.receive import receive
from media.keep import MediaRefused
from web.report import limits, records
from web.report.draft import Draft, read_draft
from web.report.keys import DEVICE_COOKIE, DEVICE_LIFETIME, device_hash, form_token, form_token_ok, new_device_id, status_key
from web.report.places import choices, grid_village, villages
from web.report.site import SITE, ReportSite
from web.report.upload import MAX_PHOTOS, TooLarge, read_upload

WAIT_FOR_NUMBER_S = 8.0  # the inbox answers within 3 s; a page may wait a little longer than WeChat does
POLL_S = 0.1


async def form_page(request: web.Request) -> web.Response:
    """The empty form; `?g=<grid>` (a poster's QR code) preselects the grid and its village."""
    grid = request.query.get("g", "")
    site = request.app[SITE]
    preset = grid if grid_village(site.services.settings, grid) else None
    village = grid_village(site.services.settings, preset) or request.query.get("v", "")
    return await _form(request, Draft(text="", village=village, preset_grid=preset), [], 200)


async def submit(request: web.Request) -> web.Response:
    """Check, store, pass to the inbox like any channel's message, and answer with the ticket number."""
    site = request.app[SITE]
    try:
        upload = await read_upload(request)
    except TooLarge:
        return site.message("照片太大了", f"最多{MAX_PHOTOS}张照片，每张不超过8MB，请少选几张再提交。", 413)
    secret, now = await site.secret(), site.services.clock.now()
    draft, problems = read_draft(site.services.settings, upload.fields)
    problems = upload.problems + problems
    device_id = request.cookies.get(DEVICE_COOKIE, "")
    if not form_token_ok(secret, device_id, upload.fields.get("csrf", ""), now):
        problems.insert(0, "页面已过期，请再点一次“提交”（照片需要重新选择）")
    if problems:
        return await _form(request, draft, problems, 400)
    engine, page = site.services.engine, site.services.settings.report_page
    device, address = device_hash(secret, device_id), limits.client_address(request, page.client_ip_header)
    refused = await asyncio.to_thread(limits.refusal, engine, page, device, address, now)
    if refused:
        return site.message("请稍后再试", f"{refused}紧急情况请直接拨打110。", 429)
    try:
        report = await asyncio.to_thread(records.create, engine, site.services.privacy, site.services.media, draft,
                                         upload.photos, device, address, now)
    except MediaRefused as refused:
        return await _form(request, draft, [str(refused)], 400)
    reply = await receive(site.bot, Incoming(channel="web", sender=report.key, msg_key=f"web:{report.key}",
                                             msg_type="form", text=draft.text, lat=draft.lat, lng=draft.lng))
    number = await _number_of(site, report.key)
    link = f"/r/t/{number or report.key}?k={status_key(secret, report.key)}"
    return site.render("done.html", number=number, reply=reply or "", link=link, absolute=_absolute(request, link))


async def _form(request: web.Request, draft: Draft, problems: list[str], status: int) -> web.Response:
    site = request.app[SITE]
    settings, secret = site.services.settings, await site.secret()
    device_id = request.cookies.get(DEVICE_COOKIE, "")
    fresh = not device_id
    device_id = device_id or new_device_id()
    mine = [] if fresh else await asyncio.to_thread(records.of_device, site.services.engine,
                                                    device_hash(secret, device_id))
    preset_name = next((g.name for _, g in settings.grids() if g.id == draft.preset_grid), "")
    response = site.render(
        "form.html", status=status, draft=draft, problems=problems, villages=villages(settings),
        choices=choices(settings), preset_name=preset_name, max_photos=MAX_PHOTOS,
        token=form_token(secret, device_id, site.services.clock.now()),
        mine=[(r, n, f"/r/t/{n or r.key}?k={status_key(secret, r.key)}") for r, n in mine])
    if fresh:
        response.set_cookie(DEVICE_COOKIE, device_id, max_age=int(DEVICE_LIFETIME.total_seconds()), httponly=True,
                            samesite="Lax", path="/r", secure=request.secure)
    return response


async def _number_of(site: ReportSite, key: str) -> str | None:
    """The ticket number once the inbox has processed the report; None if it is still queued."""
    deadline = time.monotonic() + WAIT_FOR_NUMBER_S
    while True:
        found = await asyncio.to_thread(records.number_of, site.services.engine, key)
        if found or time.monotonic() > deadline:
            return found
        await asyncio.sleep(POLL_S)


def _absolute(request: web.Request, path: str) -> str:
    base = request.app[SITE].services.settings.server.public_url or f"{request.scheme}://{request.host}"
    return base + path
