"""A fake WeChat/WeCom API on loopback: tokens, app messages, customer service, template messages and
subscription notices, group robot, 微信客服, the updates of button cards, and media downloads.

It records every message, and can be told to answer the next calls with an errcode, an
HTTP error or a delay, so retries, token refresh and give-ups are tested over a real socket.
Like WeCom, it refuses a button card whose task_id it has seen (42014), answers each button card
with a response_code, and lets each code update its card once (message/update_template_card).
"""
import asyncio
import itertools
import json
from dataclasses import dataclass, field

import pytest
from aiohttp import web

from tests.fakes.wechat_media import FakeMedia


@pytest.fixture
async def fake(aiohttp_server):
    """The fake WeChat, serving on loopback for the test."""
    fake = FakeWeChat()
    fake.server = await aiohttp_server(fake.app())
    return fake


@dataclass
class Sent:
    """One message the fake accepted."""

    api: str  # work | mp | mp_template | mp_subscribe | webhook | robot_reply | kf | kf_welcome
    to: str
    body: dict

    @property
    def text(self) -> str:
        b = self.body
        if b.get("msgtype") == "template_card":
            card = b["template_card"]
            return card["main_title"]["title"] + " " + card.get("sub_title_text", "")
        if "template_id" in b:  # a template message or subscription notice: its fields' values
            return " ".join(field["value"] for field in b.get("data", {}).values())
        return (b.get("text") or b.get("markdown") or {}).get("content", "")


# WeCom's documents say a response_code works once and for 72 hours, but name no errcode of its own
# for a spent or unknown one; the fake answers it as an invalid parameter, and the service treats
# any answer to an update that is not worth retrying as final.
CODE_REFUSED = 40058
TASK_ID_TAKEN = 42014  # "taskid has existed or empty or exceed max len"


@dataclass
class CardUpdate:
    """One message/update_template_card call the fake answered."""

    to: str
    response_code: str
    label: str
    errcode: int  # 0 when the card was updated

    @property
    def ok(self) -> bool:
        return self.errcode == 0


@dataclass
class FakeWeChat(FakeMedia):
    """State and knobs of the fake server (its media: tests/fakes/wechat_media.py)."""

    sent: list[Sent] = field(default_factory=list)
    token_calls: int = 0
    failures: list = field(default_factory=list)  # queued (errcode or "http500" or ("delay", s)) per send
    # Every send request in the order it arrived (answered or not), and each injected fault with the
    # request it answered: tests assert on what came back after a fault, not on timing-dependent counts.
    requests: list[Sent] = field(default_factory=list)
    faulted: list[tuple[object, Sent]] = field(default_factory=list)
    _tokens: itertools.count = field(default_factory=lambda: itertools.count(1))
    valid_tokens: set = field(default_factory=set)
    # WeCom drops an app message identical to one sent within `duplicate_check_interval` when the
    # sender asks for it (enable_duplicate_check): a retry after a timeout is not shown twice.
    deduplicated: list[Sent] = field(default_factory=list)
    _seen: dict = field(default_factory=dict)
    # 微信客服: what customers wrote (kf/sync_msg serves it page by page), and the
    # sync requests as they came (cursor, token).
    kf_items: list[dict] = field(default_factory=list)
    kf_syncs: list[dict] = field(default_factory=list)
    kf_page: int = 1000
    kf_sync_errors: list[int] = field(default_factory=list)  # errcodes the next sync_msg calls answer
    # WeCom web sign-in: a one-time code → the member's userid (auth/getuserinfo).
    sign_in_codes: dict = field(default_factory=dict)
    # The Official Account as WeChat keeps it: an OpenID here gets this errcode for every customer-service
    # message (45015 window passed, 45047 quota used) until removed; subscription notices to an OpenID
    # not in `subscribed` get 43101 (the resident did not subscribe).
    mp_refuse: dict[str, int] = field(default_factory=dict)
    subscribed: set = field(default_factory=set)
    # Button cards: each task_id seen, the card each unspent response_code updates (code → (userid,
    # task_id)), and every update call with its outcome.
    task_ids: set = field(default_factory=set)
    codes: dict = field(default_factory=dict)
    card_updates: list[CardUpdate] = field(default_factory=list)

    def fail_next(self, *outcomes) -> None:
        """The next send calls answer these, in order: an errcode, "http500", or ("delay", seconds)."""
        self.failures.extend(outcomes)

    def expire_tokens(self) -> None:
        """Every issued token becomes invalid (42001 on next use)."""
        self.valid_tokens.clear()

    def requests_after(self, fault_index: int) -> list[Sent]:
        """The send requests that arrived after the one that got the `fault_index`-th injected fault."""
        answered = self.faulted[fault_index][1]
        position = next(i for i, r in enumerate(self.requests) if r is answered)
        return self.requests[position + 1:]

    def kf_says(self, user: str, send_time: int, msgtype: str = "text", open_kfid: str = "wkKF1", **content) -> dict:
        """A WeChat customer writes to a 微信客服 account, in kf/sync_msg's item format (origin 3)."""
        item = {"msgid": f"kfmsg{len(self.kf_items) + 1}", "open_kfid": open_kfid, "external_userid": user,
                "send_time": send_time, "origin": 3, "msgtype": msgtype}
        self.kf_items.append(item | ({msgtype: content} if content else {}))
        return self.kf_items[-1]

    def kf_event(self, event: dict, send_time: int) -> None:
        """A system event (origin 4), e.g. enter_session with its welcome_code."""
        self.kf_items.append({"msgid": f"kfevt{len(self.kf_items) + 1}", "send_time": send_time, "origin": 4,
                              "msgtype": "event", "event": event})

    def to(self, who: str) -> list[str]:
        """Texts received by a userid/openid (or "webhook")."""
        return [s.text for s in self.sent if s.to == who]

    def cards_to(self, who: str) -> list[dict]:
        """The button cards a userid received (template_card bodies), oldest first."""
        return [s.body["template_card"] for s in self.sent if s.to == who and s.body.get("msgtype") == "template_card"]

    def updated(self, who: str) -> list[str]:
        """The new button texts of the userid's cards updated so far."""
        return [u.label for u in self.card_updates if u.to == who and u.ok]

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/cgi-bin/gettoken", self._token)
        app.router.add_get("/cgi-bin/token", self._token)
        for path, api in (("/cgi-bin/message/send", "work"), ("/cgi-bin/message/custom/send", "mp"),
                          ("/cgi-bin/message/template/send", "mp_template"),
                          ("/cgi-bin/message/subscribe/bizsend", "mp_subscribe"), ("/cgi-bin/webhook/send", "webhook")):
            app.router.add_post(path, self._sender(api))
        app.router.add_post("/cgi-bin/message/update_template_card", self._update_card)
        app.router.add_post("/cgi-bin/aibot/response", self._sender("robot_reply"))
        app.router.add_post("/cgi-bin/kf/send_msg", self._sender("kf"))
        app.router.add_post("/cgi-bin/kf/send_msg_on_event", self._sender("kf_welcome"))
        app.router.add_post("/cgi-bin/kf/sync_msg", self._kf_sync)
        self.add_media_routes(app)
        app.router.add_get("/cgi-bin/auth/getuserinfo", self._user_for_code)
        return app

    async def _kf_sync(self, request: web.Request) -> web.Response:
        """One page after the cursor (an index here; opaque to the client), has_more while more remain."""
        if request.query.get("access_token") not in self.valid_tokens:
            return web.json_response({"errcode": 42001, "errmsg": "access_token expired"})
        body = await request.json()
        self.kf_syncs.append(body)
        if self.kf_sync_errors:
            return web.json_response({"errcode": self.kf_sync_errors.pop(0), "errmsg": "injected"})
        start = int(body.get("cursor") or 0)
        items = [i for i in self.kf_items if i.get("open_kfid", body.get("open_kfid")) == body.get("open_kfid")]
        page = items[start:start + min(int(body.get("limit", 1000)), self.kf_page)]
        end = start + len(page)
        return web.json_response({"errcode": 0, "errmsg": "ok", "next_cursor": str(end),
                                  "has_more": int(end < len(items)), "msg_list": page})

    async def _user_for_code(self, request: web.Request) -> web.Response:
        """A sign-in code is good once; members come back as `userid`, strangers as `openid`."""
        if request.query.get("access_token") not in self.valid_tokens:
            return web.json_response({"errcode": 42001, "errmsg": "access_token expired"})
        userid = self.sign_in_codes.pop(request.query.get("code", ""), None)
        if userid is None:
            return web.json_response({"errcode": 40029, "errmsg": "invalid code"})
        if userid.startswith("openid:"):
            return web.json_response({"errcode": 0, "errmsg": "ok", "openid": userid[7:]})
        return web.json_response({"errcode": 0, "errmsg": "ok", "userid": userid, "user_ticket": "TICKET"})

    async def _token(self, request: web.Request) -> web.Response:
        self.token_calls += 1
        token = f"TOKEN{next(self._tokens)}"
        self.valid_tokens.add(token)
        return web.json_response({"errcode": 0, "access_token": token, "expires_in": 7200})

    def _sender(self, api: str):
        async def handler(request: web.Request) -> web.Response:
            return await self._send(request, api)
        return handler

    async def _send(self, request: web.Request, api: str) -> web.Response:
        if api not in ("webhook", "robot_reply") and request.query.get("access_token") not in self.valid_tokens:
            return web.json_response({"errcode": 42001, "errmsg": "access_token expired"})
        body = await request.json()
        to = {"webhook": "webhook", "robot_reply": f"robot:{request.query.get('response_code')}",
              "kf_welcome": f"welcome:{body.get('code')}"}.get(api, body.get("touser", ""))
        self.requests.append(Sent(api, to, body))
        if self.failures:
            outcome = self.failures.pop(0)
            self.faulted.append((outcome, self.requests[-1]))
            if outcome == "http500":
                return web.Response(status=500, text="oops")
            if isinstance(outcome, tuple) and outcome[0] == "delay":
                await asyncio.sleep(outcome[1])
            else:
                return web.json_response({"errcode": outcome, "errmsg": "injected"})
        refusal = self._mp_refusal(api, body)
        if refusal:
            return web.json_response({"errcode": refusal, "errmsg": "refused"})
        if api == "work" and body.get("enable_duplicate_check"):
            content = json.dumps({k: v for k, v in body.items() if k not in ("agentid",)}, sort_keys=True)
            now = asyncio.get_running_loop().time()
            if now - self._seen.get(content, -1e9) < body.get("duplicate_check_interval", 1800):
                self.deduplicated.append(Sent(api, to, body))
                return web.json_response({"errcode": 0, "errmsg": "ok"})
            self._seen[content] = now
        card = body.get("template_card") if api == "work" else None
        if card is not None and card.get("card_type") == "button_interaction":
            if card.get("task_id") in self.task_ids or not card.get("task_id"):
                return web.json_response({"errcode": TASK_ID_TAKEN, "errmsg": "taskid has existed or empty"})
            self.task_ids.add(card["task_id"])
            code = f"RC{len(self.codes) + len(self.card_updates) + 1:05d}{card['task_id'][:8]}"
            self.codes[code] = (to, card["task_id"])
            self.sent.append(Sent(api, to, body))
            return web.json_response({"errcode": 0, "errmsg": "ok", "msgid": f"m{len(self.sent)}",
                                      "response_code": code})
        self.sent.append(Sent(api, to, body))
        return web.json_response({"errcode": 0, "errmsg": "ok"} | ({"msgid": len(self.sent)} if api == "mp_template" else {}))

    def _mp_refusal(self, api: str, body: dict) -> int:
        if api == "mp":
            return self.mp_refuse.get(body.get("touser", ""), 0)
        if api == "mp_template" and not (body.get("template_id") and body.get("data")):
            return 40037
        if api == "mp_subscribe" and body.get("touser") not in self.subscribed:
            return 43101
        return 0

    def tap_code(self, who: str, task_id: str) -> str:
        """The response_code a tap on this card brings (a new one, good once, like the send's)."""
        code = f"TAP{len(self.codes) + 1:05d}"
        self.codes[code] = (who, task_id)
        return code

    async def _update_card(self, request: web.Request) -> web.Response:
        """Replace the buttons of the cards the code was issued for; a code works once."""
        if request.query.get("access_token") not in self.valid_tokens:
            return web.json_response({"errcode": 42001, "errmsg": "access_token expired"})
        body = await request.json()
        to = "|".join(body.get("userids", []))
        code, label = str(body.get("response_code", "")), str((body.get("button") or {}).get("replace_name", ""))
        if self.failures:
            outcome = self.failures.pop(0)
            self.faulted.append((outcome, Sent("update_card", to, body)))
            self.card_updates.append(CardUpdate(to, code, label, outcome if isinstance(outcome, int) else -2))
            return web.json_response({"errcode": outcome, "errmsg": "injected"}) if isinstance(outcome, int) \
                else web.Response(status=500, text="oops")
        issued = self.codes.pop(code, None)
        errcode = 0 if issued and issued[0] in body.get("userids", []) else CODE_REFUSED
        self.card_updates.append(CardUpdate(to, code, label, errcode))
        if errcode:
            return web.json_response({"errcode": errcode, "errmsg": "invalid response_code"})
        return web.json_response({"errcode": 0, "errmsg": "ok", "invaliduser": []})
