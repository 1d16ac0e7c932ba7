"""微信客服's APIs over the shared HTTP client and token cache: sync_msg, send_msg, send_msg_on_event, media."""
import asyncio
import hashlib

import aiohttp

from bot.outbound.transports import Transports
from bot.outbound.wechat_api import ApiError, Endpoint, fetch_token
from media.types import kind_of, sniff

MAX_CONTENT_BYTES = 2048  # kf/send_msg's text.content limit
MAX_MEDIA_BYTES = 10 * 1024 * 1024


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

    async def media(self, media_id: str) -> tuple[bytes, str] | None:
        """An image the resident sent (kept three days by WeCom), if it is one."""
        t = self.transports
        token = await t.tokens.get(self.endpoint.name, lambda: fetch_token(t.http, self.endpoint, t.timeout))
        url = self.endpoint.base_url.rstrip("/") + "/cgi-bin/media/get"
        try:
            async with t.http.get(url, params={"access_token": token, "media_id": media_id},
                                  timeout=t.timeout) as response:
                data = await response.content.read(MAX_MEDIA_BYTES + 1)
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise ApiError(-2, f"{exc.__class__.__name__}: {exc}", transient=True) from None
        kind = sniff(data) if len(data) <= MAX_MEDIA_BYTES else None
        return (data, kind) if kind and kind_of(kind) == "photo" else None


def message_id(idem_key: str) -> str:
    """kf/send_msg's msgid: at most 32 of [0-9a-zA-Z_-], unique per account, the same for a resend."""
    return hashlib.sha1(idem_key.encode()).hexdigest()[:32]


def fit(text: str) -> str:
    """Cut to the byte limit without splitting a character."""
    return text.encode("utf-8")[:MAX_CONTENT_BYTES].decode("utf-8", "ignore")
