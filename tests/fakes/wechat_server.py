"""A fake WeChat/WeCom API on loopback: tokens, app messages, customer service, group robot.

It records every message, and can be told to answer the next calls with an errcode, an
HTTP error or a delay, so retries, token refresh and give-ups are tested over a real socket.
"""
import asyncio
import itertools
import json
from dataclasses import dataclass, field

from aiohttp import web


@dataclass
class Sent:
    """One message the fake accepted."""

    api: str  # work | mp | webhook | robot_reply
    to: str
    body: dict

    @property
    def text(self) -> str:
        b = self.body
        if b.get("msgtype") == "template_card":
            card = b["template_card"]
            return card["main_title"]["title"] + " " + card.get("sub_title_text", "")
        return (b.get("text") or b.get("markdown") or {}).get("content", "")


@dataclass
class FakeWeChat:
    """State and knobs of the fake server."""

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

    def to(self, who: str) -> list[str]:
        """Texts received by a userid/openid (or "webhook")."""
        return [s.text for s in self.sent if s.to == who]

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/cgi-bin/gettoken", self._token)
        app.router.add_get("/cgi-bin/token", self._token)
        for path, api in (("/cgi-bin/message/send", "work"), ("/cgi-bin/message/custom/send", "mp"),
                          ("/cgi-bin/webhook/send", "webhook")):
            app.router.add_post(path, self._sender(api))
        app.router.add_post("/cgi-bin/aibot/response", self._sender("robot_reply"))
        return app

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
        if api in ("work", "mp") and request.query.get("access_token") not in self.valid_tokens:
            return web.json_response({"errcode": 42001, "errmsg": "access_token expired"})
        body = await request.json()
        to = {"webhook": "webhook", "robot_reply": f"robot:{request.query.get('response_code')}"}.get(
            api, body.get("touser", ""))
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
        if api == "work" and body.get("enable_duplicate_check"):
            content = json.dumps({k: v for k, v in body.items() if k not in ("agentid",)}, sort_keys=True)
            now = asyncio.get_running_loop().time()
            if now - self._seen.get(content, -1e9) < body.get("duplicate_check_interval", 1800):
                self.deduplicated.append(Sent(api, to, body))
                return web.json_response({"errcode": 0, "errmsg": "ok"})
            self._seen[content] = now
        self.sent.append(Sent(api, to, body))
        return web.json_response({"errcode": 0, "errmsg": "ok"})
