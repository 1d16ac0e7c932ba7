"""GET|POST /wechat/robot: the WeCom intelligent robot (智能机器人), @-mentioned in resident groups.

WeCom's documented API mode (developer.work.weixin.qq.com, 智能机器人 · 接收消息 / 被动回复消息):
the callback body is JSON {"encrypt": ...}, signed like the app callback (sha1 of the sorted
token, timestamp, nonce and ciphertext) and encrypted with the same AES scheme, with an empty
ReceiveId. The plaintext carries msgid, chatid, chattype (group|single), from.userid, msgtype
and text.content. A reply to a user message is a stream message, encrypted back as JSON; an answer
not ready within the callback's budget follows on the stream's refresh callbacks (robot_stream.py).
"""
import asyncio
import base64
import hashlib
import json
import re
from dataclasses import replace

from aiohttp import web
from wechatpy.enterprise.crypto import PrpCrypto

from bot.context import BotContext
from bot.conversation import texts
from bot.inbound import inbox, nonces, robot_stream
from bot.inbound.channels import off_reasons
from bot.inbound.guard import Rejected, SignedQuery, check_query, read_body
from bot.inbound.incoming import Incoming
from bot.inbound.receive import receive
from bot.inbound.routes import BOT, body_timeout, guarded

# WeCom writes the mention first ("@网格哨 满意"): without it, "满意" and "查询" read as the commands they are.
_LEADING_MENTIONS = re.compile(r"^(?:\s*@\S+)+\s+")


def setup(app: web.Application, ctx: BotContext) -> None:
    """Add the robot callback when it is on (the bot context is set by bot.inbound.routes.setup)."""
    if "robot" in off_reasons(ctx.settings):
        return
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

    def open(self, q: SignedQuery, encrypt: str) -> str:
        if self.key is None:
            raise Rejected(403, "robot callback not configured")
        if self.sign(q.timestamp, q.nonce, encrypt) != q.signature:
            raise Rejected(403, "bad msg_signature")
        try:
            return PrpCrypto(self.key).decrypt(encrypt, "")
        except Exception as exc:
            raise Rejected(400, f"cannot decrypt: {exc.__class__.__name__}") from None

    def seal(self, plaintext: str, nonce: str, timestamp: str) -> str:
        encrypt = PrpCrypto(self.key).encrypt(plaintext, "")
        encrypt = encrypt.decode() if isinstance(encrypt, bytes) else encrypt
        # the timestamp as a string, as WeCom's own demo (WXBizJsonMsgCrypt) writes it
        return json.dumps({"encrypt": encrypt, "msgsignature": self.sign(timestamp, nonce, encrypt),
                           "timestamp": timestamp, "nonce": nonce})


async def _verify(request: web.Request, keys: RobotKeys) -> web.Response:
    signed = check_query(request.query, request.app[BOT].clock.now(), "msg_signature")
    return web.Response(text=keys.open(signed, request.query.get("echostr", "")))


async def _message(request: web.Request, keys: RobotKeys) -> web.Response:
    ctx = request.app[BOT]
    signed = check_query(request.query, ctx.clock.now(), "msg_signature")
    body = await read_body(request, body_timeout(request))
    try:
        outer = json.loads(body)
        encrypt = outer["encrypt"]
        if not isinstance(encrypt, str):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        raise Rejected(400, "not a robot callback body") from None
    plaintext = keys.open(signed, encrypt)
    refresh = robot_stream.refresh_of(plaintext)
    if refresh:  # 流式消息刷新: how far the answer to an earlier message has got
        content, finish = await asyncio.to_thread(robot_stream.progress, ctx.engine, refresh, ctx.clock.now())
        return _sealed(keys, signed, robot_stream.reply(refresh, content, finish))
    data = parse_message(plaintext)
    sid = robot_stream.stream_id(data.msg_key)
    if data.msg_type != "event":  # WeCom takes a stream only in answer to a message
        data = replace(data, stream_id=sid)
    reply = await receive(ctx, data, nonces.seen("robot", signed, body))
    if reply:
        return _sealed(keys, signed, robot_stream.reply(sid, reply, True))
    row = None if data.stream_id is None else await asyncio.to_thread(inbox.load_by_key, ctx.engine, data.msg_key)
    if row is None or row.status in ("done", "failed"):
        return web.Response(text="")  # nothing to say (group chatter, an event): an empty answer
    # still being processed, or left to the inbox worker: open the stream, and the refreshes will carry it
    return _sealed(keys, signed, robot_stream.reply(sid, texts.STREAM_WAIT, False))


def _sealed(keys: RobotKeys, signed: SignedQuery, plaintext: str) -> web.Response:
    return web.Response(text=keys.seal(plaintext, signed.nonce, signed.timestamp), content_type="application/json")


def parse_message(plaintext: str) -> Incoming:
    """A robot message (the callback's plaintext, or a long-connection frame's body) as an Incoming."""
    try:
        data = json.loads(plaintext)
        msg_id, sender = _string(data["msgid"]), _string(data["from"]["userid"])
        msg_type, text, pic_url = _content(data)
        chat_id = _string(data.get("chatid"), optional=True) or None
    except (ValueError, KeyError, TypeError, AttributeError):  # UnicodeEncodeError is a ValueError
        raise Rejected(400, "robot message without msgid or sender, or with a field of the wrong type") from None
    group = data.get("chattype") == "group"
    response_url = data.get("response_url")
    # the sender is part of the key: another user's message under the same msgid is not a retry of this one
    return Incoming(channel="robot", sender=sender, msg_key=f"robot:{sender}:{msg_id}", msg_type=msg_type,
                    text=_LEADING_MENTIONS.sub("", text.strip()), chat_id=chat_id if group else None,
                    pic_url=pic_url, response_url=response_url if isinstance(response_url, str) else None,
                    raw={"aibotid": data.get("aibotid")} | _file_key(data))


def _content(data: dict) -> tuple[str, str, str | None]:
    """(our message type, its text, a picture URL) from the robot's message structures."""
    msg_type = _string(data.get("msgtype"), optional=True) or "unknown"
    body = _object(data.get(msg_type)) if msg_type in ("text", "mixed", "voice", "image") else {}
    if msg_type == "text":
        return "text", _string(body.get("content"), optional=True), None
    if msg_type == "mixed":  # 图文混排: read the text parts
        items = [] if body.get("msg_item") is None else body["msg_item"]
        if not isinstance(items, list):
            raise TypeError("msg_item")
        texts = [_string(_object(i.get("text")).get("content"), optional=True) for i in items
                 if isinstance(i, dict) and i.get("msgtype") == "text"]
        return "text", " ".join(texts), None
    if msg_type == "voice":  # single chat only; WeCom sends the recognised text
        return "voice", _string(body.get("content"), optional=True), None
    if msg_type == "image":  # single chat only; the file behind the URL is encrypted
        return "image", "", _string(body.get("url"), optional=True) or None
    return msg_type, "", None


def _file_key(data: dict) -> dict:
    """The long connection's image carries its own key (`image.aeskey`, WeCom document 101463, 多媒体资源解密);
    a callback's image is encrypted with the callback's EncodingAESKey."""
    key = _object(data.get("image")).get("aeskey") if data.get("msgtype") == "image" else None
    return {"aeskey": key} if isinstance(key, str) and 40 <= len(key) <= 64 else {}


def _string(value, *, optional: bool = False) -> str:
    """A string field as WeCom sends it: never NUL or a lone surrogate (no store can keep them)."""
    if value is None and optional:
        return ""
    if not isinstance(value, str) or not (value or optional) or "\x00" in value:
        raise TypeError("not a string")
    value.encode("utf-8")  # a lone surrogate raises here
    return value


def _object(value) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise TypeError("not an object")
    return value
