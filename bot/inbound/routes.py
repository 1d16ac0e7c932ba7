"""GET|POST /wechat/mp and /wechat/work: verify, guard, store, answer within WeChat's 5 s.

The query is checked before the body is read (its timestamp and the shape of its signature; in plain
mode the signature itself, which covers only the query), the body must arrive within
`server.callback_body_timeout`, and then the signature over the ciphertext is checked in safe mode.
"""
import logging
import time
from contextlib import suppress

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from bot.context import BotContext
from bot.inbound import nonces
from bot.inbound.channels import log_off, off_reasons
from bot.inbound.crypto import ChannelKeys
from bot.inbound.guard import Rejected, SignedQuery, check_fields, check_query, parse_xml, read_body
from bot.inbound.incoming import from_wechat_xml
from bot.inbound.receive import receive
from bot.inbound.replies import text_reply
from bot.kf.callback import kf_signal
from core.logs import limited

log = limited(logging.getLogger(__name__))  # a flood of refusals is a line a minute, with the count
BOT = web.AppKey("bot_context", BotContext)


def setup(app: web.Application, ctx: BotContext) -> None:
    """Add the WeChat callback routes of the channels that are on (bot.inbound.channels)."""
    app[BOT] = ctx
    log_off(ctx.settings)
    off, s = off_reasons(ctx.settings), ctx.settings.wechat
    if "mp" not in off:
        mp = ChannelKeys(s.mp.token, s.mp.encoding_aes_key, s.mp.app_id, work=False)
        app.router.add_get("/wechat/mp", guarded("mp", lambda r: _verify_mp(r, mp)))
        app.router.add_post("/wechat/mp", guarded("mp", lambda r: _message(r, mp, "mp")))
    if "work" not in off:
        work = ChannelKeys(s.work.token, s.work.encoding_aes_key, s.work.corp_id, work=True)
        app.router.add_get("/wechat/work", guarded("work", lambda r: verify_work(r, work)))
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
            if rejected.status == 408:
                await _answer_and_close(request, response)
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


async def _answer_and_close(request: web.Request, response: web.Response) -> None:
    """Send the answer now and drop the connection: waiting for the rest of a trickled body (as aiohttp
    does before closing) would give the client what it came for, a connection held open."""
    response.force_close()
    with suppress(ConnectionError):  # the client may have gone already
        await response.prepare(request)
        await response.write_eof()
    request.protocol.force_close()


def body_timeout(request: web.Request) -> float:
    """Seconds a callback's body may take to arrive."""
    return request.app[BOT].settings.server.callback_body_timeout.total_seconds()


async def _verify_mp(request: web.Request, keys: ChannelKeys) -> web.Response:
    q = request.query
    keys.verify_plain(check_query(q, request.app[BOT].clock.now(), "signature"))
    return web.Response(text=q.get("echostr", ""))


async def verify_work(request: web.Request, keys: ChannelKeys) -> web.Response:
    """WeCom's URL verification (the app's callback and 微信客服's): check and decrypt the echo string."""
    signed = check_query(request.query, request.app[BOT].clock.now(), "msg_signature")
    return web.Response(text=keys.echo(signed, request.query.get("echostr", "")))


async def _message(request: web.Request, keys: ChannelKeys, channel: str) -> web.Response:
    ctx, q = request.app[BOT], request.query
    now = ctx.clock.now()
    encrypted = channel == "work" or q.get("encrypt_type") == "aes"
    signed = check_query(q, now, "msg_signature" if encrypted else "signature")
    if keys.aes_key and not encrypted:  # with a key set, plain mode would let an attacker skip the AES check
        raise Rejected(403, "plain mode on a channel with an AES key")
    if not encrypted:  # plain mode signs only the query: refuse strangers before reading anything
        keys.verify_plain(signed)
    body = await read_body(request, body_timeout(request))
    # in safe mode the signature covers the ciphertext, so the envelope is parsed first
    data = parse_xml(keys.decrypt(parse_xml(body), signed) if encrypted else body)
    query = nonces.seen(channel, signed, body)
    if channel == "work" and data.get("Event") == "kf_msg_or_event":  # 微信客服: only "pull now" (bot/kf/)
        return await kf_signal(ctx, data, query)
    check_fields(data, now)
    incoming = from_wechat_xml(channel, data)
    reply = await receive(ctx, incoming, query)
    if not reply:
        return web.Response(text="success")
    return web.Response(text=_reply_xml(keys, signed, data, incoming.sender, reply, now, encrypted),
                        content_type="application/xml")


def _reply_xml(keys: ChannelKeys, signed: SignedQuery, data: dict, to: str, text: str, now, encrypted: bool) -> str:
    xml = text_reply(data.get("ToUserName", ""), to, text, int(now.timestamp()))
    return keys.encrypt(xml, signed.nonce, signed.timestamp) if encrypted else xml
