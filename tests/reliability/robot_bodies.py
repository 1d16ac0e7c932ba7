"""Seeded generator of WeCom robot callbacks (JSON, encrypted with an empty ReceiveId) that must be refused."""
import json
import random

from wechatpy.enterprise.crypto import PrpCrypto

from bot.inbound.guard import MAX_BODY
from bot.inbound.robot import RobotKeys
from tests.bot import wechat
from tests.reliability.bodies import NONCE, Case, cut

KEYS = RobotKeys(wechat.TOKEN, wechat.MP_AES)
PATH = "/wechat/robot"
# wrong types, for fields that must be an object, a string or a list
NOT_DICT = [True, 0, 12.5, [], "", [1, 2], "text"]
NOT_STR = [True, 0, 12.5, [], {}, [1, 2], {"a": 1}]
NOT_LIST = [True, 0, 12.5, {}, "", {"a": 1}, "text"]


def plaintext(rng: random.Random, **fields) -> dict:
    """A resident's @-mention in a group; a field given as None is left out."""
    data = {"msgid": f"CAIQ{rng.randrange(10**9)}", "aibotid": "AIBOTID", "chatid": "wrGroupGuihua",
            "chattype": "group", "from": {"userid": "wangayi"}, "msgtype": "text",
            "text": {"content": "@网格哨 锦绣花园12栋有人打架"}} | fields
    return {k: v for k, v in data.items() if v is not None}


def bad_plaintext(rng: random.Random) -> tuple[str, bytes]:
    """Plaintext the robot must refuse once signature and ciphertext check out (400)."""
    pick = rng.randrange(8)
    if pick == 0:
        return "not JSON", rng.choice([rng.randbytes(rng.randint(0, 200)), b"<xml></xml>", b"{", b""])
    if pick == 1:
        return "not an object", json.dumps(rng.choice([[], "msg", 12, None, [{"msgid": "1"}]])).encode()
    if pick == 2:
        return "no msgid or sender", _dump(plaintext(rng, **rng.choice([{"msgid": None}, {"from": None}])))
    if pick == 3:
        return "odd msgid", _dump(plaintext(rng, msgid=rng.choice(NOT_STR + [""])))
    if pick == 4:
        shape = rng.choice([{"from": rng.choice(NOT_DICT + [{}, {"id": "x"}])},
                            {"from": {"userid": rng.choice(NOT_STR + [""])}}])
        return "odd sender", _dump(plaintext(rng, **shape))
    if pick == 5:
        item = {"msgtype": "text", "text": rng.choice(NOT_DICT)}
        content = rng.choice([{"text": rng.choice(NOT_DICT)}, {"text": {"content": rng.choice(NOT_STR)}},
                              {"msgtype": rng.choice(NOT_STR)}, {"chatid": rng.choice(NOT_STR)},
                              {"msgtype": "mixed", "mixed": {"msg_item": rng.choice(NOT_LIST)}},
                              {"msgtype": "mixed", "mixed": {"msg_item": [item]}},
                              {"msgtype": "image", "image": {"url": rng.choice(NOT_STR)}}])
        return "odd content", _dump(plaintext(rng, **content))
    if pick == 6:
        where = rng.choice(["msgid", "sender", "content", "chatid"])
        poison = rng.choice(["\x00", "\ud800", "\udfff", "a\udc80b"])
        fields = {"msgid": {"msgid": f"CAIQ{poison}"}, "sender": {"from": {"userid": f"wang{poison}"}},
                  "content": {"text": {"content": f"有人打架{poison}"}}, "chatid": {"chatid": f"wr{poison}"}}[where]
        return "NUL or lone surrogate", json.dumps(plaintext(rng, **fields)).encode()
    raw = _dump(plaintext(rng))
    return "invalid UTF-8", raw.replace("打架".encode(), rng.choice([b"\xff", b"\xc3\x28", b"\xed\xa0\x80"]))


def _dump(data) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()


def robot_case(rng: random.Random, ts: int) -> Case:
    """A refused robot callback: broken outside (the JSON envelope, signature, size) or inside."""
    kind, plain = bad_plaintext(rng)
    encrypt = _encrypt(plain)
    query = {"msg_signature": KEYS.sign(str(ts), NONCE, encrypt), "timestamp": str(ts), "nonce": NONCE}
    body = json.dumps({"encrypt": encrypt}).encode()
    pick = rng.randrange(10)
    if pick < 6:
        return Case(PATH, query, body, 400, f"robot: {kind}")
    if pick == 6:
        return Case(PATH, {**query, "msg_signature": "%040x" % rng.getrandbits(160)}, body, 403, "robot: bad signature")
    if pick == 7:
        stale = rng.choice([str(ts - rng.randint(301, 10**6)), "", "²"])
        return Case(PATH, {**query, "timestamp": stale}, body, 403, "robot: stale or odd timestamp")
    if pick == 8:
        return Case(PATH, query, rng.randbytes(MAX_BODY + rng.randint(1, MAX_BODY)), 413, "robot: oversized")
    if rng.random() < 0.3:  # signed, but not a ciphertext
        junk = rng.choice(["", "QUJD" * rng.randint(1, 9), rng.randbytes(rng.randint(1, 40)).hex()])
        query = {**query, "msg_signature": KEYS.sign(str(ts), NONCE, junk)}
        return Case(PATH, query, json.dumps({"encrypt": junk}).encode(), 400, "robot: junk encrypt")
    envelope = rng.choice([cut(rng, body), b"[]", b'{"encrypt": 12}', b"{}", b"null", b'"encrypt"'])
    return Case(PATH, query, envelope, 400, "robot: broken envelope")


def good_robot_case(rng: random.Random, ts: int) -> Case:
    """A greeting to the robot, which must be stored."""
    encrypt = _encrypt(_dump(plaintext(rng, text={"content": "@网格哨 早上好"})))
    query = {"msg_signature": KEYS.sign(str(ts), NONCE, encrypt), "timestamp": str(ts), "nonce": NONCE}
    return Case(PATH, query, json.dumps({"encrypt": encrypt}).encode(), 200, "robot: good")


def _encrypt(plain: bytes) -> str:
    encrypt = PrpCrypto(KEYS.key).encrypt(plain, "")
    return encrypt.decode() if isinstance(encrypt, bytes) else encrypt
