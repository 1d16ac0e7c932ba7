"""Build callbacks the way WeChat does: signed, and encrypted in safe mode, with wechatpy's crypto."""
import hashlib

from wechatpy.crypto import WeChatCrypto as MpCrypto
from wechatpy.enterprise.crypto import WeChatCrypto as WorkCrypto

TOKEN = "gridwhistle2026"
WORK_TOKEN = "123456"  # WeCom's published sample token, so its sample vectors verify
MP_AES = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
WORK_AES = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
APP_ID = "wx1234567890abcdef"
CORP_ID = "wx49f0ab532d5d035a"


def text_xml(sender: str, content: str, msg_id: int, create_time: int, to: str = "gh_demo", chat_id: str = "") -> str:
    chat = f"<ChatId><![CDATA[{chat_id}]]></ChatId>" if chat_id else ""
    return (f"<xml><ToUserName><![CDATA[{to}]]></ToUserName><FromUserName><![CDATA[{sender}]]></FromUserName>"
            f"<CreateTime>{create_time}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId>{chat}</xml>")


def event_xml(sender: str, event: str, create_time: int, key: str = "", to: str = "gh_demo") -> str:
    return (f"<xml><ToUserName><![CDATA[{to}]]></ToUserName><FromUserName><![CDATA[{sender}]]></FromUserName>"
            f"<CreateTime>{create_time}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
            f"<Event><![CDATA[{event}]]></Event><EventKey><![CDATA[{key}]]></EventKey></xml>")


def plain_query(timestamp: int, nonce: str = "8364") -> dict:
    signature = hashlib.sha1("".join(sorted([TOKEN, str(timestamp), nonce])).encode()).hexdigest()
    return {"signature": signature, "timestamp": str(timestamp), "nonce": nonce}


def mp_safe(xml: str, timestamp: int, nonce: str = "1320562132") -> tuple[dict, str]:
    """Query and body of an Official Account message in safe mode."""
    body = MpCrypto(TOKEN, MP_AES, APP_ID).encrypt_message(xml, nonce, str(timestamp))
    return _encrypted_query(body, timestamp, nonce, encrypt_type="aes"), body


def work_encrypted(xml: str, timestamp: int, nonce: str = "461056294") -> tuple[dict, str]:
    """Query and body of a WeCom app callback (always encrypted)."""
    body = WorkCrypto(WORK_TOKEN, WORK_AES, CORP_ID).encrypt_message(xml, nonce, str(timestamp))
    return _encrypted_query(body, timestamp, nonce), body


def _encrypted_query(body: str, timestamp: int, nonce: str, **extra) -> dict:
    import xmltodict
    signature = xmltodict.parse(body)["xml"]["MsgSignature"]
    return {"msg_signature": signature, "timestamp": str(timestamp), "nonce": nonce, **extra}


def decrypt_reply(text: str, work: bool = False) -> str:
    import xmltodict
    outer = xmltodict.parse(text)["xml"]
    crypto = WorkCrypto(WORK_TOKEN, WORK_AES, CORP_ID) if work else MpCrypto(TOKEN, MP_AES, APP_ID)
    return crypto.decrypt_message(outer, outer["MsgSignature"], outer["TimeStamp"], outer["Nonce"])



