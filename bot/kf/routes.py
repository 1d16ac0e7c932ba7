"""GET|POST /wechat/kf: 微信客服's own callback URL, when it is set in 微信客服's settings rather than the app's."""
from aiohttp import web

from bot.context import BotContext
from bot.inbound import nonces
from bot.inbound.channels import off_reasons
from bot.inbound.crypto import ChannelKeys
from bot.inbound.guard import check_query, parse_xml, read_body
from bot.inbound.routes import BOT, body_timeout, guarded, verify_work
from bot.kf.callback import kf_signal


def setup(app: web.Application, ctx: BotContext) -> None:
    """Add /wechat/kf when its token and key are set (the bot context is set by bot.inbound.routes.setup)."""
    if "kf" in off_reasons(ctx.settings):
        return
    s = ctx.settings.wechat
    keys = ChannelKeys(s.kf.token, s.kf.encoding_aes_key, s.work.corp_id, work=True)
    app.router.add_get("/wechat/kf", guarded("kf", lambda r: verify_work(r, keys)))
    app.router.add_post("/wechat/kf", guarded("kf", lambda r: _event(r, keys)))


async def _event(request: web.Request, keys: ChannelKeys) -> web.Response:
    ctx = request.app[BOT]
    signed = check_query(request.query, ctx.clock.now(), "msg_signature")
    body = await read_body(request, body_timeout(request))
    data = parse_xml(keys.decrypt(parse_xml(body), signed))
    if data.get("Event") != "kf_msg_or_event":
        return web.Response(text="success")  # nothing else is expected here; answered so WeCom does not retry
    return await kf_signal(ctx, data, nonces.seen("kf", signed, body))
