"""Where each outbox audience goes: WeCom app, OA customer service, the group robot, or the demo."""
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import aiohttp

from bot.outbound.oa import OaChannel
from bot.outbound.tokens import TokenCache
from bot.outbound.wechat_api import TIMEOUT, TOKEN_ERRORS, ApiError, Endpoint, call, fetch_token
from core.settings import Settings
from models import outbox

T = TypeVar("T")


@dataclass(frozen=True)
class Address:
    """A resolved destination: the transport and the id it understands."""

    transport: str  # work | mp | webhook | robot_reply | demo, or a resident channel's own
    to: str  # the userid, the resident's id (mp), the reply URL...


class Transports:
    """Sends one message through the right API, refreshing the token once if WeChat refuses it."""

    def __init__(self, settings: Settings, http: aiohttp.ClientSession, tokens: TokenCache,
                 timeout: aiohttp.ClientTimeout = TIMEOUT):
        w = settings.wechat
        self.settings, self.http, self.tokens, self.timeout = settings, http, tokens, timeout
        self.work = Endpoint("work", w.work.api_base_url, "/cgi-bin/gettoken",
                             {"corpid": w.work.corp_id, "corpsecret": w.work.secret})
        self.mp = Endpoint("mp", w.mp.api_base_url, "/cgi-bin/token",
                           {"grant_type": "client_credential", "appid": w.mp.app_id, "secret": w.mp.app_secret})
        self.work_ready = bool(w.work.corp_id and w.work.secret)
        self.mp_ready = bool(w.mp.app_id and w.mp.app_secret)
        self.webhook_key = w.work.supervisors_webhook_key
        self.demo = settings.demo.enabled  # the demo page may stand in for what is not configured
        # Resident channels that bring their own transport (微信客服, the robot's long connection, the
        # 随手拍 page), by the resident's channel: `address(row, resident, now)` and `send(...)`.
        self.channels: dict = {}
        # the Official Account's customer-service quota is counted in the store the tokens are shared through
        self.oa = OaChannel(self, tokens.engine, tokens.clock)

    async def send(self, address: Address, msg_type: str, payload: dict, idem_key: str,
                   task_id: str | None = None) -> tuple[dict, str | None]:
        """Deliver, or raise ApiError; WeChat's answer (a button card's carries its response_code) and how it
        went when not the usual way (a template message, a subscription notice...).

        `task_id` names a button card's send (a new one for every send: WeCom refuses one it has seen).
        """
        if address.transport == "demo":
            return {}, None  # the demo page shows the outbox itself
        if address.transport in self.channels:
            await self.channels[address.transport].send(address, msg_type, payload, idem_key)
            return {}, None
        if address.transport == "mp":
            via = await self.oa.send(int(address.to), payload, idem_key)
            return {}, None if via == "custom" else via
        if address.transport == "webhook":
            url = f"{self.work.base_url.rstrip('/')}/cgi-bin/webhook/send"
            return await call(self.http, "POST", url, self.timeout, params={"key": self.webhook_key},
                              json=_plain(msg_type, payload)), None
        if address.transport == "robot_reply":  # the one-time response_url of a robot callback
            return await call(self.http, "POST", address.to, self.timeout,
                              json={"msgtype": "markdown", "markdown": {"content": payload["text"]}}), None
        task = task_id or outbox.task_id(idem_key, 1)
        return await self.with_token(self.work, "/cgi-bin/message/send",
                                     self._work_body(address.to, msg_type, payload, task)), None

    async def update_card(self, address: Address, response_code: str, label: str) -> None:
        """Replace the buttons of one member's button card by `label` (message/update_template_card);
        the code is WeCom's for that card, good for one call within 72 hours."""
        if address.transport != "work":
            return  # the demo page reads the update from the outbox
        await self.with_token(self.work, "/cgi-bin/message/update_template_card", {
            "userids": [address.to], "agentid": self.settings.wechat.work.agent_id, "response_code": response_code,
            "button": {"replace_name": label}})

    async def with_token(self, endpoint: Endpoint, path: str, body: dict) -> dict:
        """POST to an API of `endpoint` with its shared access_token, refreshed once if refused; WeChat's answer."""
        url = endpoint.base_url.rstrip("/") + path
        return await self.token_retry(endpoint, lambda token: call(self.http, "POST", url, self.timeout,
                                                                   params={"access_token": token}, json=body))

    async def token_retry(self, endpoint: Endpoint, attempt: Callable[[str], Awaitable[T]]) -> T:
        """`attempt(token)` with `endpoint`'s shared access_token; once more with a new one if WeChat refuses it."""
        for tries in (1, 2):
            token = await self.tokens.get(endpoint.name, lambda: fetch_token(self.http, endpoint, self.timeout))
            try:
                return await attempt(token)
            except ApiError as error:
                if error.errcode not in TOKEN_ERRORS or tries == 2:
                    raise
                await self.tokens.invalidate(endpoint.name, token)
        raise AssertionError("unreachable")

    def trusted_reply_url(self, url: str | None) -> bool:
        """A robot response_url we may post to: only on the WeCom API host, never elsewhere."""
        base = self.work.base_url.rstrip("/") + "/"
        return bool(url) and url.startswith(base)

    def _work_body(self, userid: str, msg_type: str, payload: dict, task_id: str) -> dict:
        base = {"touser": userid, "agentid": self.settings.wechat.work.agent_id,
                # WeCom drops an identical message repeated within the interval: a second guard.
                "enable_duplicate_check": 1, "duplicate_check_interval": 1800}
        card = payload.get("card")
        if msg_type != "template_card" or not card:
            return base | _plain(msg_type, payload)
        body = {
            "card_type": "button_interaction",
            "main_title": {"title": card["title"][:36], "desc": card.get("number", "")},
            "sub_title_text": card.get("description", "")[:200],
            "task_id": task_id,
            "button_list": [{"text": b["text"], "style": 1, "key": b["key"]} for b in card.get("buttons", [])],
        }
        return base | {"msgtype": "template_card", "template_card": _with_detail(body, self.settings, card)}


def _with_detail(body: dict, settings: Settings, card: dict) -> dict:
    """Tapping the card, or its 详情 button (type 1: open a URL), opens the task on /m; needs server.public_url."""
    site = settings.server.public_url.rstrip("/")
    if not site or not card.get("ticket_id"):
        return body
    url = f"{site}/m/t/{card['ticket_id']}"
    return body | {"card_action": {"type": 1, "url": url},
                   "button_list": body["button_list"] + [{"type": 1, "text": "详情", "style": 2, "url": url}]}


def _plain(msg_type: str, payload: dict) -> dict:
    """A text or markdown message body, as the app API and the group robot both take it."""
    if msg_type == "markdown":
        return {"msgtype": "markdown", "markdown": {"content": payload["text"]}}
    return {"msgtype": "text", "text": {"content": payload["text"]}}
