"""The demo channel: a web chat at /demo that goes through the same inbox and outbox as WeChat."""
import asyncio
import uuid
from pathlib import Path

from aiohttp import web
from sqlmodel import select

from bot.context import BotContext
from bot.inbound.incoming import Incoming
from bot.inbound.receive import receive
from core.privacy import mask
from demo.scope import STAFF_KEY, demo_inbox, demo_outbox, masked_card
from models import InboxMessage, Member, Outbox, Resident
from models.store import session

PAGE = Path(__file__).resolve().parent / "page.html"
MAX_TEXT = 2000  # longer is refused with a reason, never cut short without a word
DEMO = web.AppKey("demo_context", BotContext)
GROUP = "demo-group"  # the simulated 警民联络群


def setup(app: web.Application, ctx: BotContext) -> None:
    """Add /demo and its small JSON API."""
    app[DEMO] = ctx
    app.router.add_get("/demo", page)
    app.router.add_post("/demo/api/say", say)
    app.router.add_post("/demo/api/staff", staff)
    app.router.add_get("/demo/api/feed", feed)


async def page(request: web.Request) -> web.FileResponse:
    """The simulator page (all assets inline; nothing from a CDN)."""
    return web.FileResponse(PAGE, headers={"Content-Type": "text/html; charset=utf-8"})


async def say(request: web.Request) -> web.Response:
    """A resident posts into the group (or 1:1): {"resident", "text", "group"}."""
    body = await _json(request)
    name, text = _text(body.get("resident", "")).strip()[:20], _text(body.get("text", ""))
    if not name or not text.strip():
        return web.json_response({"error": "请填写居民名字和内容"}, status=400)
    if len(text) > MAX_TEXT:
        return _too_long(text)
    incoming = Incoming(channel="demo", sender=name, msg_key=f"demo:{uuid.uuid4().hex}", msg_type="text", text=text,
                        chat_id=GROUP if body.get("group", True) else None)
    reply = await receive(request.app[DEMO], incoming)
    return web.json_response({"reply": reply})


async def staff(request: web.Request) -> web.Response:
    """A worker answers from their phone: {"member", "text"} or {"member", "button": "accept:12", "card": <push id>}.

    A tap comes with its card, as WeCom's click comes with the card's task_id: the reply is what
    the tapped card shows now ("已接单"), and what happened comes as a message on the phone.
    """
    ctx = request.app[DEMO]
    body = await _json(request)
    member = await asyncio.to_thread(_member, ctx, _text(body.get("member", "")))
    if member is None:
        return web.json_response({"error": "没有这个成员"}, status=400)
    key = f"{STAFF_KEY}{uuid.uuid4().hex}"
    if body.get("button"):
        task = await asyncio.to_thread(_task_of, ctx, member.id, body.get("card"))
        incoming = Incoming(channel="work", sender=member.wechat_id, msg_key=key, msg_type="event",
                            event="template_card_event", event_key=_text(body["button"]), task_id=task)
    else:
        text = _text(body.get("text", ""))
        if not text.strip():
            return web.json_response({"error": "请输入要回复的内容"}, status=400)
        if len(text) > MAX_TEXT:
            return _too_long(text)
        incoming = Incoming(channel="work", sender=member.wechat_id, msg_key=key, msg_type="text", text=text)
    return web.json_response({"reply": await receive(ctx, incoming)})


async def feed(request: web.Request) -> web.Response:
    """The group's messages with the bot's replies, and what each phone received: the demo's own rows, masked."""
    return web.json_response(await asyncio.to_thread(_feed, request.app[DEMO]))


def _feed(ctx: BotContext) -> dict:
    with session(ctx.engine) as db:
        chats = db.exec(select(InboxMessage).where(demo_inbox(), InboxMessage.channel != "kf")
                        .order_by(InboxMessage.id.desc()).limit(60)).all()
        members = db.exec(select(Member).where(Member.active)).all()
        sent = db.exec(select(Outbox).where(demo_outbox()).order_by(Outbox.id.desc()).limit(400)).all()
        residents = {str(r.id): r.name or r.external_id
                     for r in db.exec(select(Resident).where(Resident.id.in_({int(o.recipient) for o in sent
                                                                               if o.channel == "resident"}))).all()}
    by_wechat = {m.wechat_id: m.name for m in members}
    phones: dict[str, list] = {m.id: [] for m in members}
    updates = []
    for row in sent:
        item = {"id": row.id, "text": mask(row.payload.get("text", "")), "status": row.status,
                "card": masked_card(row.payload.get("card")), "state": row.card_state}
        if row.channel == "member" and row.recipient in phones:
            phones[row.recipient].append(item)
        elif row.channel == "resident":
            updates.append(item | {"to": residents.get(row.recipient, "居民")})
        elif row.channel == "supervisors_group":
            updates.append(item | {"to": "所领导群"})
    return {"chat": [{"from": by_wechat.get(c.sender, c.sender), "text": mask(c.content),
                      "reply": mask(c.reply) if c.reply else c.reply,
                      "group": c.chat_id == GROUP, "staff": c.channel == "work"} for c in reversed(chats)],
            "members": [{"id": m.id, "name": m.name, "roles": m.roles} for m in members],
            "phones": phones, "updates": updates[:50]}


def _too_long(text: str) -> web.Response:
    return web.json_response({"error": f"消息太长（{len(text)} 字），没有发出。请分几条发送，每条不超过 {MAX_TEXT} 字。"},
                             status=400)


def _task_of(ctx: BotContext, member_id: str, card) -> str | None:
    """The task_id of the member's card shown as push `card` (another's card is no card of theirs)."""
    if not isinstance(card, int) or isinstance(card, bool):
        return None
    with session(ctx.engine) as db:
        row = db.get(Outbox, card)
    return row.task_id if row and row.recipient == member_id and row.msg_type == "template_card" else None


def _member(ctx: BotContext, member_id: str) -> Member | None:
    with session(ctx.engine) as db:
        return db.get(Member, member_id)


def _text(value) -> str:
    """A field as text without what no store keeps: NUL (PostgreSQL refuses it) and lone surrogates."""
    text = str(value).replace("\x00", "")
    return text.encode("utf-8", "replace").decode("utf-8")


async def _json(request: web.Request) -> dict:
    try:
        body = await request.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
