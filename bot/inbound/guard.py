"""Checks a callback must pass before anything is parsed or stored: the query first, then the body."""
import asyncio
import re
from dataclasses import dataclass
from datetime import datetime

import xmltodict
from aiohttp import web

MAX_BODY = 64 * 1024
MAX_SKEW_S = 300
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST)", re.IGNORECASE)
MAX_MSG_ID = 2**63 - 1
# <xml><SelectedItems><SelectedItem><OptionIds><OptionId> is the deepest documented shape (5 levels).
MAX_DEPTH = 8
# Every field bot/ reads from a callback (incoming.py, routes.py, kf/callback.py, the crypto envelope):
# these must be plain text. Any other element is ignored, flat or nested.
READ_FIELDS = frozenset({
    "ToUserName", "FromUserName", "CreateTime", "MsgType", "MsgId", "Content", "Event", "EventKey", "TaskId",
    "ResponseCode", "CardType", "AgentID", "Recognition", "Location_X", "Location_Y", "Label", "PicUrl", "MediaId",
    "ChatId", "Latitude", "Longitude", "Encrypt", "MsgSignature", "TimeStamp", "Nonce", "OpenKfId", "Token"})
_SIGNATURE = re.compile(r"^[0-9a-f]{40}$")  # sha1 in hex, as WeChat writes it
_NONCE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class Rejected(Exception):
    """A callback refused with an HTTP status and a reason for the log."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


def replayed() -> Rejected:
    """The refusal of a signed query seen before with another body (bot/inbound/nonces.py)."""
    return Rejected(403, "query replayed with another body")


@dataclass(frozen=True)
class SignedQuery:
    """What a callback's query says about who sent it: checked for shape and age before the body is read."""

    timestamp: str
    nonce: str
    signature: str


def check_query(query, now: datetime, signature_key: str) -> SignedQuery:
    """Timestamp within the window, a nonce and a signature of WeChat's shape (403); the signature itself is
    verified by whoever knows what it covers (the query alone in plain mode, the ciphertext in safe mode)."""
    timestamp = query.get("timestamp")
    check_timestamp(timestamp, now)
    nonce, signature = query.get("nonce", ""), query.get(signature_key, "")
    if not _NONCE.match(nonce):
        raise Rejected(403, "missing or odd nonce")
    if not _SIGNATURE.match(signature):
        raise Rejected(403, f"missing or odd {signature_key}")
    return SignedQuery(timestamp, nonce, signature)


async def read_body(request: web.Request, timeout_s: float) -> bytes:
    """The body, refusing more than 64 KB before reading it all (413), and one that does not arrive
    within `timeout_s` (408): a client trickling bytes must not hold a connection for long."""
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise Rejected(413, "body over 64 KB")
    body = bytearray()
    try:
        async with asyncio.timeout(timeout_s):
            async for chunk in request.content.iter_chunked(8192):
                body += chunk
                if len(body) > MAX_BODY:
                    raise Rejected(413, "body over 64 KB")
    except TimeoutError:
        raise Rejected(408, "body not received in time") from None
    return bytes(body)


def parse_xml(body: bytes | str) -> dict:
    """The <xml> element's fields as a dict of strings; DTDs and entities are refused (400), never expanded.

    WeChat's documents show nested elements (a card click's SelectedItems, a menu's SendPicsInfo,
    OA's CopyrightCheckResult...) and add fields over time: an element nothing here reads is dropped,
    whatever its shape. A field that is read must be plain text: nested or repeated, it is refused
    (400) rather than guessed at. Nothing deeper than MAX_DEPTH levels is accepted at all.
    """
    raw = body.encode("utf-8") if isinstance(body, str) else body
    if _DTD.search(raw):
        raise Rejected(400, "DTD or entity declaration")
    try:
        data = xmltodict.parse(raw, disable_entities=True, postprocessor=_within_depth)
    except _TooDeep:
        raise Rejected(400, f"elements nested deeper than {MAX_DEPTH} levels") from None
    except Exception as exc:  # expat errors and anything odd in the document
        raise Rejected(400, f"malformed XML: {exc.__class__.__name__}") from None
    root = data.get("xml") if isinstance(data, dict) else None
    if not isinstance(root, dict):
        raise Rejected(400, "no <xml> root")
    fields = {}
    for key, value in root.items():
        text = isinstance(value, (str, type(None)))
        if key in READ_FIELDS and not text:
            raise Rejected(400, f"{key} nested or repeated")
        if text:
            fields[key] = value
    return fields


class _TooDeep(Exception):
    pass


def _within_depth(path, key, value):
    """xmltodict's hook, called as each element closes: refuse documents nested deeper than WeChat's."""
    if len(path) > MAX_DEPTH:
        raise _TooDeep
    return key, value


def check_timestamp(timestamp: str | None, now: datetime) -> None:
    """The signed timestamp must be within 5 minutes of now (403): old captures can't be replayed."""
    if not _digits(timestamp):
        raise Rejected(403, "missing timestamp")
    if abs(int(timestamp) - now.timestamp()) > MAX_SKEW_S:
        raise Rejected(403, "timestamp skew over 5 minutes")


def check_fields(data: dict, now: datetime) -> None:
    """MsgId and CreateTime must look like WeChat's (400)."""
    msg_id = data.get("MsgId")
    if msg_id is not None and not (_digits(msg_id) and 0 < int(msg_id) <= MAX_MSG_ID):
        raise Rejected(400, "MsgId out of range")
    created = data.get("CreateTime")
    if not _digits(created):
        raise Rejected(400, "CreateTime missing")
    if not (now.timestamp() - 3 * 86400 <= int(created) <= now.timestamp() + 600):
        raise Rejected(400, "CreateTime out of range")
    if not data.get("FromUserName") or not data.get("MsgType"):
        raise Rejected(400, "FromUserName or MsgType missing")


def _digits(value: str | None) -> bool:
    """At most 20 ASCII digits. str.isdigit() alone also passes ² (which int() refuses), ١٢ (a second
    spelling of 12) and runs of thousands of digits (which int() refuses too)."""
    return bool(value) and len(value) <= 20 and value.isascii() and value.isdigit()
