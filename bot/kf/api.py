"""微信客服's APIs over the shared HTTP client and token cache: sync_msg, send_msg, send_msg_on_event, media."""
import hashlib

from bot.media.download import media_get
from bot.outbound.transports import Transports
from bot.outbound.wechat_api import Endpoint

MAX_CONTENT_BYTES = 2048  # kf/send_msg's text.content limit


class KfApi:
    """Calls on behalf of the corp: with 微信客服's own Secret if configured, else the self-built app's."""

    def __init__(self, transports: Transports):
        s = transports.settings.wechat
        self.transports = transports
        own = bool(s.kf.secret)
        self.endpoint = Endpoint("kf" if own else "work", s.work.api_base_url, "/cgi-bin/gettoken",
                                 {"corpid": s.work.corp_id, "corpsecret": s.kf.secret or s.work.secret})
        self.ready = bool(s.kf.enabled and s.work.corp_id and (s.kf.secret or s.work.secret))

    async def sync(self, open_kfid: str, cursor: str, token: str) -> dict:
        """One page of messages after `cursor` (the callback's Token lifts the strict rate limit)."""
        body = {"cursor": cursor, "limit": 1000, "voice_format": 0, "open_kfid": open_kfid}
        return await self.transports.with_token(self.endpoint, "/cgi-bin/kf/sync_msg",
                                                body | ({"token": token} if token else {}))

    async def send_text(self, open_kfid: str, external_userid: str, text: str, idem_key: str) -> None:
        """A text to the resident; msgid derives from the outbox key, so WeCom refuses a second copy."""
        await self.transports.with_token(self.endpoint, "/cgi-bin/kf/send_msg", {
            "touser": external_userid, "open_kfid": open_kfid, "msgid": message_id(idem_key),
            "msgtype": "text", "text": {"content": fit(text)}})

    async def welcome(self, code: str, text: str) -> None:
        """The greeting allowed once per enter_session event (within 20 s of it)."""
        await self.transports.with_token(self.endpoint, "/cgi-bin/kf/send_msg_on_event", {
            "code": code, "msgtype": "text", "text": {"content": fit(text)}})

    async def media(self, media_id: str) -> tuple[bytes, str]:
        """An image the resident sent (kept three days by WeCom); ApiError if gone or not an image."""
        return await media_get(self.transports, self.endpoint, media_id, "image")


def message_id(idem_key: str) -> str:
    """kf/send_msg's msgid: at most 32 of [0-9a-zA-Z_-], unique per account, the same for a resend."""
    return hashlib.sha1(idem_key.encode()).hexdigest()[:32]


def fit(text: str) -> str:
    """Cut to the byte limit without splitting a character."""
    return text.encode("utf-8")[:MAX_CONTENT_BYTES].decode("utf-8", "ignore")
