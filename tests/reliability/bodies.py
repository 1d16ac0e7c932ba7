"""Seeded generator of WeChat XML callbacks that must be refused, each with the status it must get.

`xml_case` covers the Official Account (plain and safe mode) and the WeCom app; `tests.reliability.
robot_bodies` covers the robot's JSON callbacks. A Case knows its path, query, body and status.
"""
import hashlib
import random
from dataclasses import dataclass

from wechatpy.crypto import WeChatCrypto as MpCrypto

from bot.inbound.guard import MAX_BODY
from tests.bot import wechat

NONCE = "1320562132"


@dataclass(frozen=True)
class Case:
    """One callback and the refusal it must get."""

    path: str
    query: dict
    body: bytes
    status: int
    kind: str  # what is wrong with it, for the failure message


def message(rng: random.Random, ts: int, **fields) -> str:
    """A resident's text message; a field given as None is left out."""
    values = {"ToUserName": "gh_demo", "FromUserName": f"oWang{rng.randrange(10**6)}", "CreateTime": str(ts),
              "MsgType": "text", "Content": "<![CDATA[锦绣花园12栋有人打架]]>", "MsgId": str(rng.randint(1, 10**12))}
    return "<xml>" + "".join(f"<{k}>{v}</{k}>" for k, v in (values | fields).items() if v is not None) + "</xml>"


DTDS = ['<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]>', '<!doctype xml>',
        '<!DOCTYPE xml [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
        '<!DOCTYPE xml [<!ENTITY % p SYSTEM "http://169.254.169.254/latest/meta-data/"> %p;]>',
        '<! DOCTYPE xml SYSTEM "http://127.0.0.1:8080/healthz">', '<!ELEMENT xml ANY>', '<!ATTLIST xml a CDATA "">']
BAD_IDS = ["abc", "0", "-5", str(2**63), "²³", "١٢٣", "1e5", "0x1f", "9" * 400, "9" * 5000]
BAD_UTF8 = [b"\xff\xfe", b"\xc3\x28", b"\xc0\xaf", b"\xed\xa0\x80", b"\xe6\x89", b"\xf8\x88\x80\x80\x80", b"\x00"]


def bad_xml(rng: random.Random, ts: int) -> tuple[str, bytes]:
    """A document any channel must refuse once its signature checks out (400)."""
    good = message(rng, ts)
    pick = rng.randrange(13)
    if pick == 0:
        return "random bytes", rng.randbytes(rng.randint(0, 300))
    if pick == 1:
        return "truncated", cut(rng, good.encode())
    if pick == 2:
        dtd = rng.choice(DTDS)
        return "DTD", f'<?xml version="1.0"?>{dtd}{good}'.encode()
    if pick == 3:
        return "UTF-16 DTD", f'<?xml version="1.0" encoding="UTF-16"?>{rng.choice(DTDS)}{good}'.encode("utf-16")
    if pick == 4:
        depth = rng.randint(1, 5000) if rng.random() < 0.1 else rng.randint(1, 60)  # 5000: under 64 KB encrypted
        closing = "</a>" * depth if rng.random() < 0.5 else ""
        return "nesting", f"<xml>{'<a>' * depth}{closing}</xml>".encode()
    if pick == 5:
        field = rng.choice(["MsgType", "FromUserName", "Content", "CreateTime"])
        return "repeated field", good.replace("</xml>", f"<{field}>x</{field}></xml>").encode()
    if pick == 6:
        return "nested field", good.replace("<![CDATA[锦绣花园12栋有人打架]]>", "<b>打架</b>").encode()
    if pick == 7:
        return "bad MsgId", message(rng, ts, MsgId=rng.choice(BAD_IDS)).encode()
    if pick == 8:
        created = rng.choice([None, "abc", "²", str(ts - 4 * 86400), str(ts + 86400), "9" * 5000, ""])
        return "bad CreateTime", message(rng, ts, CreateTime=created).encode()
    if pick == 9:
        missing = rng.choice([{"FromUserName": None}, {"MsgType": None}, {"FromUserName": ""}, {"MsgType": ""}])
        return "missing field", message(rng, ts, **missing).encode()
    if pick == 10:
        chars = "".join(chr(rng.choice([rng.randint(0x20, 0xD7FF), rng.randint(0xE000, 0x10FFFF)]))
                        for _ in range(rng.randint(0, 200)))
        return "random unicode", rng.choice([chars, f"<xml>{chars}</xml>", f"<a>{chars}</a>"]).encode()
    if pick == 11:
        raw = good.encode()
        return "invalid UTF-8", raw.replace("打架".encode(), rng.choice(BAD_UTF8))
    return "wrong root", rng.choice([b"", b"<xml></xml>", b"<xml/>", b"not xml", b"<a><b/></a>", b"<xml>text</xml>"])


def cut(rng: random.Random, data: bytes) -> bytes:
    """`data` cut short somewhere before its end."""
    return data[: rng.randint(0, max(0, len(data) - 1))]


def sign(token: str, ts: int, encrypt: str) -> str:
    """sha1 of the sorted token, timestamp, nonce and ciphertext, as WeChat signs."""
    return hashlib.sha1("".join(sorted([token, str(ts), NONCE, encrypt])).encode()).hexdigest()


def xml_case(rng: random.Random, ts: int) -> Case:
    """A refused callback to /wechat/mp (plain or safe mode) or /wechat/work."""
    channel = rng.choice(["plain", "safe", "work"])
    kind, document = bad_xml(rng, ts)
    if channel == "plain":
        path, good_query = "/wechat/mp", wechat.plain_query(ts, NONCE)
        body = document
    else:
        encrypt = wechat.mp_safe if channel == "safe" else wechat.work_encrypted
        path = "/wechat/mp" if channel == "safe" else "/wechat/work"
        good_query, envelope = encrypt(document, ts, NONCE)
        body = envelope.encode()
    broken = rng.random()
    if broken < 0.6:
        return Case(path, good_query, body, 400, f"{channel}: {kind}")
    return _envelope_case(rng, ts, channel, path, good_query, body)


def _envelope_case(rng: random.Random, ts: int, channel: str, path: str, query: dict, body: bytes) -> Case:
    """What is wrong is around the message: signature, timestamp, envelope or size."""
    pick = rng.randrange(6)
    key = "signature" if channel == "plain" else "msg_signature"
    if pick == 0:
        return Case(path, {**query, key: "%040x" % rng.getrandbits(160)}, body, 403, f"{channel}: bad signature")
    if pick == 1:
        skewed = str(ts + rng.choice([-1, 1]) * rng.randint(301, 10**6))
        stale = rng.choice([skewed, "", "abc", "²", "-1", "9" * 5000])
        return Case(path, {**query, "timestamp": stale}, body, 403, f"{channel}: stale or odd timestamp")
    if pick == 2:
        return Case(path, {}, body, 403, f"{channel}: no query")
    if pick == 3:
        filler = rng.randbytes(MAX_BODY + rng.randint(1, 4 * MAX_BODY))
        return Case(path, query, filler, 413, f"{channel}: oversized")
    if channel == "plain":
        return Case(path, query, cut(rng, message(rng, ts).encode()), 400, "plain: truncated")
    token = wechat.TOKEN if channel == "safe" else wechat.WORK_TOKEN
    if pick == 4:  # correctly signed, but the ciphertext is junk or bound to another account
        junk = rng.choice([rng.randbytes(rng.randint(0, 90)).hex(), "QUJD" * rng.randint(0, 30),
                           MpCrypto(wechat.TOKEN, wechat.MP_AES, "wxOther").encrypt_message(
                               message(rng, ts), NONCE, str(ts)).split("CDATA[")[1].split("]]")[0]])
        wrapped = f"<xml><Encrypt><![CDATA[{junk}]]></Encrypt></xml>".encode()
        return Case(path, {**query, "msg_signature": sign(token, ts, junk)}, wrapped, 400, f"{channel}: junk Encrypt")
    if rng.random() < 0.2:  # the signature was made over a ciphertext this envelope does not hold
        return Case(path, query, b"<xml><Encrypt/></xml>", 403, f"{channel}: empty Encrypt")
    envelope = rng.choice([b"<xml><ToUserName>gh</ToUserName></xml>", cut(rng, body)])
    return Case(path, query, envelope, 400, f"{channel}: broken envelope")


def good_xml_cases(rng: random.Random, ts: int) -> list[Case]:
    """One well-formed greeting per XML path, which must be stored: proof the keys above are right."""
    hello = "<![CDATA[早上好]]>"
    safe_query, safe_body = wechat.mp_safe(message(rng, ts, Content=hello), ts, NONCE)
    work_query, work_body = wechat.work_encrypted(message(rng, ts, Content=hello), ts, NONCE)
    plain = message(rng, ts, Content=hello).encode()
    return [Case("/wechat/mp", wechat.plain_query(ts, NONCE), plain, 200, "plain: good"),
            Case("/wechat/mp", safe_query, safe_body.encode(), 200, "safe: good"),
            Case("/wechat/work", work_query, work_body.encode(), 200, "work: good")]
