"""GET /r/t/{number}?k=...: a report's progress; POST .../feedback: the 回访 answer; GET /r/photo/{key}."""
import asyncio

from aiohttp import web

from bot.inbound.incoming import Incoming
from bot.inbound.receive import receive
from web.media_files import media_response
from web.report import records
from web.report.keys import form_token, form_token_ok
from web.report.site import SITE
from web.report.status import status_view

MAX_REASON = 200
NOT_FOUND = ("找不到这条报事", "链接不完整或已失效。请从提交后的页面或“我的报事”重新打开。")


async def status_page(request: web.Request) -> web.Response:
    """The steps so far, and the 回访 question once the matter is 办结."""
    site = request.app[SITE]
    ref, k = request.match_info["ref"], request.query.get("k", "")
    found = await asyncio.to_thread(records.by_link, site.services.engine, await site.secret(), ref, k)
    if found is None:
        return site.message(*NOT_FOUND, 404)
    report, ticket = found
    if ticket is None:  # stored, not yet processed (the inbox worker will)
        return site.render("pending.html", link=f"/r/t/{ref}?k={k}")
    if ref != ticket.number:  # opened by the report's key, or a merged ticket: the ticket's own address
        raise web.HTTPFound(f"/r/t/{ticket.number}?k={k}")
    view = await asyncio.to_thread(status_view, site.services.engine, report, ticket, site.tz)
    token = form_token(await site.secret(), f"report:{report.key}", site.services.clock.now())
    return site.render("status.html", view=view, k=k, token=token)


async def feedback(request: web.Request) -> web.Response:
    """满意 / 不满意 with a reason, through the inbox like a 回访 answer on any channel."""
    site = request.app[SITE]
    ref, k = request.match_info["ref"], request.query.get("k", "")
    form = await request.post()
    found = await asyncio.to_thread(records.by_link, site.services.engine, await site.secret(), ref, k)
    if found is None or found[1] is None:
        return site.message(*NOT_FOUND, 404)
    report, ticket = found
    if not form_token_ok(await site.secret(), f"report:{report.key}", str(form.get("csrf", "")),
                         site.services.clock.now()):
        return site.message("页面已过期", "请返回进度页，刷新后重新评价。", 403)
    verdict = str(form.get("verdict", ""))
    if verdict not in ("满意", "不满意"):
        return site.message("请选择满意或不满意", "请返回进度页重新评价。", 400)
    reason = str(form.get("reason", "")).replace("\x00", "").strip()[:MAX_REASON]
    text = "满意" if verdict == "满意" else f"不满意 {reason}".strip()
    # one answer per round: pressing twice (or a resent form) is the same inbox message
    await receive(site.bot, Incoming(channel="web", sender=report.key, msg_type="feedback", text=text,
                                     msg_key=f"web:feedback:{report.key}:{ticket.id}:{ticket.cycle}"))
    raise web.HTTPSeeOther(f"/r/t/{ticket.number}?k={k}")


async def photo(request: web.Request) -> web.Response:
    """A report's photo; its key is unguessable and is given only to the reporter and the console."""
    site = request.app[SITE]
    found = await asyncio.to_thread(records.photo, site.services.engine, site.services.media, request.match_info["key"])
    if found is None:
        raise web.HTTPNotFound(text="没有这张照片")
    return media_response(*found)
