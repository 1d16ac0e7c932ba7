"""GET|POST /wechat/robot: the WeCom intelligent robot (智能机器人), @-mentioned in resident groups.

WeCom's documented API mode (developer.work.weixin.qq.com, 智能机器人 · 接收消息 / 被动回复消息):
the callback body is JSON {"encrypt": ...}, signed like the app callback (sha1 of the sorted
token, timestamp, nonce and ciphertext) and encrypted with the same AES scheme, with an empty
ReceiveId. The plaintext carries msgid, chatid, chattype (group|single), from.userid, msgtype
and text.content. A reply to a user message is a stream message, encrypted back as JSON.
"""
import base64
import hashlib
import json
import uuid

from aiohttp import web
from wechatpy.enterprise.crypto import PrpCrypto

from bot.context import BotContext
from bot.guard import Rejected, check_timestamp, read_body
from bot.handle import receive
from bot.incoming import Incoming
from bot.routes import BOT, guarded


def setup(app: web.Application, ctx: BotContext) -> None:
    """Add the robot callback (the bot context is set by bot.routes.setup)."""
    keys = RobotKeys(ctx.settings.wechat.robot.token, ctx.settings.wechat.robot.encoding_aes_key)
    app.router.add_get("/wechat/robot", guarded("robot", lambda r: _verify(r, keys)))
    app.router.add_post("/wechat/robot", guarded("robot", lambda r: _message(r, keys)))


class RobotKeys:
    """Signature and AES for the robot's JSON callbacks (ReceiveId is empty)."""

    def __init__(self, token: str, aes_key: str):
        self.token = token
        self.key = base64.b64decode(aes_key + "=") if aes_key else None

    def sign(self, timestamp: str, nonce: str, encrypt: str) -> str:
        return hashlib.sha1("".join(sorted([self.token, timestamp, nonce, encrypt])).encode()).hexdigest()

    def open(self, signature: str, timestamp: str, nonce: str, encrypt: str) -> str:
        if self.key is None:
            raise Rejected(403, "robot callback not configured")
        if self.sign(timestamp, nonce, encrypt) != signature:
            raise Rejected(403, "bad msg_signature")
        try:
            return PrpCrypto(self.key).decrypt(encrypt, "")
        except Exception as exc:
            raise Rejected(400, f"cannot decrypt: {exc.__class__.__name__}") from None

    def seal(self, plaintext: str, nonce: str, timestamp: str) -> str:
        encrypt = PrpCrypto(self.key).encrypt(plaintext, "")
        encrypt = encrypt.decode() if isinstance(encrypt, bytes) else encrypt
        return json.dumps({"encrypt": encrypt, "msgsignature": self.sign(timestamp, nonce, encrypt),
                           "timestamp": int(timestamp), "nonce": nonce})


async def _verify(request: web.Request, keys: RobotKeys) -> web.Response:
    q = request.query
    check_timestamp(q.get("timestamp"), request.app[BOT].clock.now())
    return web.Response(text=keys.open(q.get("msg_signature", ""), q["timestamp"], q.get("nonce", ""),
                                       q.get("echostr", "")))


async def _message(request: web.Request, keys: RobotKeys) -> web.Response:
    ctx = request.app[BOT]
    body = await read_body(request)
    q = request.query
    check_timestamp(q.get("timestamp"), ctx.clock.now())
    try:
        outer = json.loads(body)
        encrypt = outer["encrypt"]
        if not isinstance(encrypt, str):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        raise Rejected(400, "not a robot callback body") from None
    data = _parse(keys.open(q.get("msg_signature", ""), q["timestamp"], q.get("nonce", ""), encrypt))
    reply = await receive(ctx, data)
    if not reply:
        return web.Response(text="")
    stream = {"msgtype": "stream", "stream": {"id": uuid.uuid4().hex, "finish": True, "content": reply}}
    return web.Response(text=keys.seal(json.dumps(stream, ensure_ascii=False), q.get("nonce", ""), q["timestamp"]),
                        content_type="application/json")


def _parse(plaintext: str) -> Incoming:
    try:
        data = json.loads(plaintext)
        msg_id, sender = str(data["msgid"]), str(data["from"]["userid"])
    except (ValueError, KeyError, TypeError):
        raise Rejected(400, "robot message without msgid or sender") from None
    msg_type = str(data.get("msgtype", ""))
    text = ""
    if msg_type == "text":
        text = str((data.get("text") or {}).get("content", ""))
    elif msg_type == "mixed":  # 图文混排: keep the text parts
        items = (data.get("mixed") or {}).get("msg_item") or []
        text = " ".join(str((i.get("text") or {}).get("content", "")) for i in items if i.get("msgtype") == "text")
    group = data.get("chattype") == "group"
    return Incoming(channel="robot", sender=sender, msg_key=f"robot:{msg_id}", msg_type=msg_type or "unknown",
                    text=text.strip(), chat_id=(str(data.get("chatid") or "") or None) if group else None,
                    raw={"aibotid": data.get("aibotid")})
