"""The baseline server: signature check, decrypt, encrypted passive reply, nothing stored.

Run as its own process (`python -m bench.bare_server PORT`) so it is measured the way the
service is: over loopback, from a load generator in another process.
"""
import sys

from aiohttp import web
from wechatpy.replies import TextReply

from bot.inbound.crypto import ChannelKeys
from bot.inbound.guard import SignedQuery, parse_xml
from tests.bot import wechat


def bare_app(keys: ChannelKeys) -> web.Application:
    """An OA callback route that only verifies, decrypts and echoes a fixed reply."""
    async def handle(request: web.Request) -> web.Response:
        q = request.query
        signed = SignedQuery(q["timestamp"], q["nonce"], q["msg_signature"])
        data = parse_xml(keys.decrypt(parse_xml(await request.read()), signed))
        xml = TextReply(source=data["ToUserName"], target=data["FromUserName"], content="已收到").render()
        return web.Response(text=keys.encrypt(xml, q["nonce"], q["timestamp"]))

    async def health(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})
    app = web.Application()
    app.router.add_post("/wechat/mp", handle)
    app.router.add_get("/healthz", health)
    return app


if __name__ == "__main__":
    keys = ChannelKeys(wechat.TOKEN, wechat.MP_AES, wechat.APP_ID, work=False)
    web.run_app(bare_app(keys), host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
