"""Sending a photo in the demo: a resident into the group (or 1:1), or a worker from their phone.

The photo is kept like /m's and arrives as an image message through the same receive path
as WeChat's (PicUrl), so it attaches to the resident's report or the worker's task.
"""
import asyncio
import uuid

from aiohttp import web
from sqlmodel import select

from bot.inbound.incoming import Incoming
from bot.inbound.receive import receive
from demo.channel import GROUP
from demo.scope import STAFF_KEY
from models import Member
from models.store import session
from web.app import SERVICES
from web.mobile import photos


async def send(request: web.Request) -> web.Response:
    """POST /demo/api/photo (multipart): `photo` and either `resident` (+ `group`) or `member`."""
    services = request.app[SERVICES]
    try:
        fields, pictures = await photos.read_form(request, None)
    except photos.BadUpload as bad:
        return web.json_response({"error": str(bad)}, status=400)
    if len(pictures) != 1:
        return web.json_response({"error": "请选择一张照片"}, status=400)
    resident, member_id = fields.get("resident", "").strip()[:20], fields.get("member", "")[:64]
    member = await asyncio.to_thread(_member, services.engine, member_id) if member_id else None
    if not resident and member is None:
        return web.json_response({"error": "请填写居民名字，或从某人的手机发送"}, status=400)
    uploader = member.id if member else f"resident:{resident}"
    try:
        [url] = await asyncio.to_thread(photos.keep, services.media, pictures, uploader, None, "demo")
    except photos.BadUpload as bad:
        return web.json_response({"error": str(bad)}, status=400)
    key = uuid.uuid4().hex
    if member is not None:
        incoming = Incoming(channel="work", sender=member.wechat_id, msg_key=STAFF_KEY + key, msg_type="image",
                            pic_url=url)
    else:
        incoming = Incoming(channel="demo", sender=resident, msg_key=f"demo:{key}", msg_type="image", pic_url=url,
                            chat_id=GROUP if fields.get("group", "1") == "1" else None)
    return web.json_response({"reply": await receive(services.bot, incoming), "url": url})


def _member(engine, member_id: str) -> Member | None:
    with session(engine) as db:
        return db.exec(select(Member).where(Member.id == member_id, Member.active)).first()
