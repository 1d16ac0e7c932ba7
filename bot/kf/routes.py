"""GET|POST /wechat/kf: 微信客服's own callback URL, when it is set in 微信客服's settings rather than the app's."""
from aiohttp import web

from bot.context import BotContext
from bot.inbound.crypto import ChannelKeys
from bot.inbound.guard import Rejected, check_timestamp, parse_xml, read_body
from bot.inbound.routes import BOT, guarded
from bot.kf.callback import kf_signal


def setup(app: web.Application, ctx: BotContext) -> None:
    """Add /wechat/kf (the bot context is set by bot.inbound.routes.setup)."""
    s = ctx.settings.wechat
    keys = ChannelKeys(s.kf.token, s.kf.encoding_aes_key, s.work.corp_id, work=True)
    app.router.add_get("/wechat/kf", guarded("kf", lambda r: _verify(r, keys)))
    app.router.add_post("/wechat/kf", guarded("kf", lambda r: _event(r, keys)))


async def _verify(request: web.Request, keys: ChannelKeys) -> web.Response:
    q = request.query
    check_timestamp(q.get("timestamp"), request.app[BOT].clock.now())
    if keys.crypto is None:
        raise Rejected(403, "微信客服 callback not configured")
    return web.Response(text=keys.echo(q.get("msg_signature", ""), q["timestamp"], q.get("nonce", ""),
                                       q.get("echostr", "")))


async def _event(request: web.Request, keys: ChannelKeys) -> web.Response:
    ctx = request.app[BOT]
    body = await read_body(request)
    q = request.query
    check_timestamp(q.get("timestamp"), ctx.clock.now())
    if keys.crypto is None:
        raise Rejected(403, "微信客服 callback not configured")
    data = parse_xml(keys.decrypt(parse_xml(body), q.get("msg_signature", ""), q["timestamp"], q.get("nonce", "")))
    if data.get("Event") != "kf_msg_or_event":
        return web.Response(text="success")  # nothing else is expected here; answered so WeCom does not retry
    return await kf_signal(ctx, data)
