"""The demo's 微信客服 chat: a resident writes 1:1 as from ordinary WeChat, through the same inbox and outbox.

Without WeCom, a message is stored and answered at once (as the puller and the inbox worker would),
and the notices that kf/send_msg would carry are shown from the outbox.
"""
import asyncio
import uuid

from aiohttp import web
from sqlalchemy import String, cast
from sqlmodel import select

from bot.context import BotContext
from bot.inbound.incoming import Incoming
from bot.inbound.receive import receive
from core.privacy import mask
from demo.channel import _json, _text
from demo.scope import KF_KEY, KF_RESIDENT
from models import InboxMessage, Outbox, Resident
from models.store import session

KF_DEMO = web.AppKey("kf_demo_context", BotContext)
PREFIX = KF_RESIDENT  # the demo's 微信客服 residents: no WeChat user is ever called this


def setup(app: web.Application, ctx: BotContext) -> None:
    """Add the demo's 微信客服 API (only in demo mode: run.py decides)."""
    app[KF_DEMO] = ctx
    app.router.add_post("/demo/api/kf/say", say)
    app.router.add_get("/demo/api/kf/feed", feed)


async def say(request: web.Request) -> web.Response:
    """{"resident", "text"}: a 微信客服 message from a demo resident."""
    body = await _json(request)
    name, text = _text(body.get("resident", "")).strip()[:20], _text(body.get("text", ""))[:2000]
    if not name or not text.strip():
        return web.json_response({"error": "请填写居民名字和内容"}, status=400)
    incoming = Incoming(channel="kf", sender=PREFIX + name, msg_key=KF_KEY + uuid.uuid4().hex, msg_type="text",
                        text=text.strip())
    return web.json_response({"reply": await receive(request.app[KF_DEMO], incoming)})


async def feed(request: web.Request) -> web.Response:
    """The chat: each message with its answer, then what was sent later (签收, 办结, 回访), oldest first."""
    return web.json_response(await asyncio.to_thread(_feed, request.app[KF_DEMO]))


def _feed(ctx: BotContext) -> dict:
    with session(ctx.engine) as db:
        said = db.exec(select(InboxMessage).where(InboxMessage.msg_key.startswith(KF_KEY))
                       .order_by(InboxMessage.id.desc()).limit(40)).all()
        residents = select(cast(Resident.id, String)).where(Resident.channel == "kf",
                                                            Resident.external_id.startswith(PREFIX))
        later = db.exec(select(Outbox).where(Outbox.channel == "resident", Outbox.recipient.in_(residents),
                                             Outbox.idem_key.not_like("reply:%"))
                        .order_by(Outbox.id.desc()).limit(40)).all()
        names = {str(r.id): r.external_id.removeprefix(PREFIX)
                 for r in db.exec(select(Resident).where(Resident.external_id.startswith(PREFIX))).all()}
    items = [{"at": m.received_at.isoformat() if m.received_at else "", "from": m.sender.removeprefix(PREFIX),
              "text": mask(m.content), "reply": mask(m.reply) if m.reply else None} for m in said]
    items += [{"at": o.created_at.isoformat() if o.created_at else "", "from": None, "to": names.get(o.recipient, ""),
               "text": None, "reply": mask(o.payload.get("text", ""))} for o in later]
    return {"chat": sorted(items, key=lambda i: i["at"])}
