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
from bot.incoming import Incoming
from bot.receive import receive
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
    msg_type, text, pic_url = _content(data)
    group = data.get("chattype") == "group"
    response_url = data.get("response_url")
    return Incoming(channel="robot", sender=sender, msg_key=f"robot:{msg_id}", msg_type=msg_type,
                    text=text.strip(), chat_id=(str(data.get("chatid") or "") or None) if group else None,
                    pic_url=pic_url, response_url=response_url if isinstance(response_url, str) else None,
                    raw={"aibotid": data.get("aibotid")})


def _content(data: dict) -> tuple[str, str, str | None]:
    """(our message type, its text, a picture URL) from the robot's message structures."""
    msg_type = str(data.get("msgtype") or "unknown")
    body = data.get(msg_type) if isinstance(data.get(msg_type), dict) else {}
    if msg_type == "text":
        return "text", str(body.get("content", "")), None
    if msg_type == "mixed":  # 图文混排: read the text parts
        items = body.get("msg_item") or []
        texts = [str((i.get("text") or {}).get("content", "")) for i in items
                 if isinstance(i, dict) and i.get("msgtype") == "text"]
        return "text", " ".join(texts), None
    if msg_type == "voice":  # single chat only; WeCom sends the recognised text
        return "voice", str(body.get("content", "")), None
    if msg_type == "image":  # single chat only; the file behind the URL is encrypted
        return "image", "", str(body.get("url") or "") or None
    return msg_type, "", None
