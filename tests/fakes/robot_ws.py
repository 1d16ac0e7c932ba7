"""A fake WeCom long-connection endpoint for the intelligent robot, on loopback.

It speaks the documented frames: aibot_subscribe (checked against its BotID and Secret), ping,
aibot_msg_callback / aibot_event_callback pushed by the test, and aibot_respond_msg,
aibot_respond_welcome_msg, aibot_send_msg recorded and acknowledged (or refused on demand).
"""
import asyncio
import itertools
import json
from dataclasses import dataclass, field

from aiohttp import WSMsgType, web

BOT_ID, SECRET = "aibGridWhistle", "robot-secret-2026"


@dataclass
class FakeRobotLink:
    """State and knobs; `wait_for(predicate)` polls until the service has done something."""

    bot_id: str = BOT_ID
    secret: str = SECRET
    frames: list[dict] = field(default_factory=list)  # every frame the service sent, in order
    connections: int = 0
    ack_pings: bool = True
    send_errors: list[int] = field(default_factory=list)  # errcodes for the next aibot_send_msg frames
    _ws: web.WebSocketResponse | None = None
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/", self._connect)
        return app

    def sent(self, cmd: str) -> list[dict]:
        """The frames of one command the service sent."""
        return [f for f in self.frames if f.get("cmd") == cmd]

    async def push(self, cmd: str, body: dict) -> str:
        """WeCom pushes a message or an event; the frame's req_id."""
        req_id = f"{cmd}_{next(self._ids)}"
        await self._ws.send_str(json.dumps({"cmd": cmd, "headers": {"req_id": req_id}, "body": body},
                                           ensure_ascii=False))
        return req_id

    async def says(self, user: str, text: str, chat_id: str | None = None) -> str:
        """A member @-mentions the robot in a group (or writes 1:1)."""
        body = {"msgid": f"ws{next(self._ids)}", "aibotid": self.bot_id, "chattype": "group" if chat_id else "single",
                "from": {"userid": user}, "msgtype": "text", "text": {"content": f"@网格哨 {text}"}}
        return await self.push("aibot_msg_callback", body | ({"chatid": chat_id} if chat_id else {}))

    async def drop(self) -> None:
        """The connection breaks (WeCom's side)."""
        await self._ws.close()

    async def _connect(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._ws, self.connections = ws, self.connections + 1
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                await self._answer(ws, json.loads(message.data))
        return ws

    async def _answer(self, ws: web.WebSocketResponse, frame: dict) -> None:
        self.frames.append(frame)
        cmd, req_id, body = frame.get("cmd"), frame["headers"]["req_id"], frame.get("body") or {}
        errcode = 0
        if cmd == "aibot_subscribe":
            errcode = 0 if (body.get("bot_id"), body.get("secret")) == (self.bot_id, self.secret) else 40058
        elif cmd == "ping" and not self.ack_pings:
            return
        elif cmd == "aibot_send_msg" and self.send_errors:
            errcode = self.send_errors.pop(0)
        await ws.send_str(json.dumps({"headers": {"req_id": req_id}, "errcode": errcode,
                                      "errmsg": "ok" if not errcode else "refused"}))


async def wait_for(predicate, timeout: float = 10.0) -> None:
    """Poll until `predicate()` holds (a generous deadline: the service works on its own loop turns)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("the service did not do it in time")
        await asyncio.sleep(0.01)
