"""GET|POST /wechat/mp and /wechat/work: verify, guard, store, answer within WeChat's 5 s."""
import logging
import time

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError
from wechatpy.replies import TextReply

from bot.context import BotContext
from bot.inbound.crypto import ChannelKeys
from bot.inbound.guard import Rejected, check_fields, check_timestamp, parse_xml, read_body
from bot.inbound.incoming import from_wechat_xml
from bot.inbound.receive import receive
from bot.inbound.replies import card_reply
from bot.kf.callback import kf_signal

log = logging.getLogger(__name__)
BOT = web.AppKey("bot_context", BotContext)


def setup(app: web.Application, ctx: BotContext) -> None:
    """Add the WeChat callback routes."""
    app[BOT] = ctx
    s = ctx.settings.wechat
    mp = ChannelKeys(s.mp.token, s.mp.encoding_aes_key, s.mp.app_id, work=False)
    work = ChannelKeys(s.work.token, s.work.encoding_aes_key, s.work.corp_id, work=True)
    app.router.add_get("/wechat/mp", guarded("mp", lambda r: _verify_mp(r, mp)))
    app.router.add_post("/wechat/mp", guarded("mp", lambda r: _message(r, mp, "mp")))
    app.router.add_get("/wechat/work", guarded("work", lambda r: _verify_work(r, work)))
    app.router.add_post("/wechat/work", guarded("work", lambda r: _message(r, work, "work")))


def guarded(channel: str, handler):
    """Turn every refusal into its 4xx and every surprise into a logged 'success' (never a 500 loop)."""
    async def wrapped(request: web.Request) -> web.StreamResponse:
        ctx, started = request.app[BOT], time.perf_counter()
        try:
            response = await handler(request)
            outcome = "ok"
        except Rejected as rejected:
            log.warning("callback refused", extra={"channel": channel, "status": rejected.status,
                                                   "reason": rejected.reason, "remote": request.remote})
            response, outcome = web.Response(status=rejected.status, text=rejected.reason), str(rejected.status)
        except SQLAlchemyError:
            # The message could not be stored: say so, and WeChat will try again. "success"
            # here would lose it.
            log.exception("store unavailable", extra={"channel": channel})
            response, outcome = web.Response(status=503, text="store unavailable"), "503"
        except Exception:
            log.exception("callback failed", extra={"channel": channel})
            response, outcome = web.Response(text="success"), "error"
        if ctx.metrics:
            ctx.metrics.callbacks.labels(channel, outcome).inc()
            ctx.metrics.callback_seconds.labels(channel).observe(time.perf_counter() - started)
        return response
    return wrapped


async def _verify_mp(request: web.Request, keys: ChannelKeys) -> web.Response:
    q = request.query
    check_timestamp(q.get("timestamp"), request.app[BOT].clock.now())
    keys.verify_plain(q.get("signature", ""), q.get("timestamp", ""), q.get("nonce", ""))
    return web.Response(text=q.get("echostr", ""))


async def _verify_work(request: web.Request, keys: ChannelKeys) -> web.Response:
    q = request.query
    check_timestamp(q.get("timestamp"), request.app[BOT].clock.now())
    if keys.crypto is None:
        raise Rejected(403, "WeCom callback not configured")
    return web.Response(text=keys.echo(q.get("msg_signature", ""), q["timestamp"], q.get("nonce", ""),
                                       q.get("echostr", "")))


async def _message(request: web.Request, keys: ChannelKeys, channel: str) -> web.Response:
    ctx = request.app[BOT]
    body = await read_body(request)
    q = request.query
    now = ctx.clock.now()
    check_timestamp(q.get("timestamp"), now)
    encrypted = channel == "work" or q.get("encrypt_type") == "aes"
    if encrypted:  # the signature covers the ciphertext, so the envelope is parsed first
        outer = parse_xml(body)
        data = parse_xml(keys.decrypt(outer, q.get("msg_signature", ""), q["timestamp"], q.get("nonce", "")))
    else:  # plain mode signs only the query: refuse strangers before parsing anything
        keys.verify_plain(q.get("signature", ""), q["timestamp"], q.get("nonce", ""))
        data = parse_xml(body)
    if channel == "work" and data.get("Event") == "kf_msg_or_event":  # 微信客服: only "pull now" (bot/kf/)
        return await kf_signal(ctx, data)
    check_fields(data, now)
    incoming = from_wechat_xml(channel, data)
    reply = await receive(ctx, incoming)
    if not reply:
        return web.Response(text="success")
    if incoming.card_tap:
        xml = card_reply(data.get("ToUserName", ""), incoming.sender, reply, int(now.timestamp()))
    else:
        xml = TextReply(source=data.get("ToUserName", ""), target=incoming.sender, content=reply,
                        time=int(now.timestamp())).render()
    if encrypted:
        xml = keys.encrypt(xml, q.get("nonce", ""), q["timestamp"])
    return web.Response(text=xml, content_type="application/xml")
