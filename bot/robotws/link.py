"""The intelligent robot's long connection (WeCom 智能机器人长连接): one WebSocket, kept alive.

Every frame is JSON {cmd, headers: {req_id}, body}. The service subscribes with its BotID and
Secret (aibot_subscribe), pings every `heartbeat` (cmd "ping") and treats two pings without an
answer as a dead connection; WeCom pushes messages (aibot_msg_callback) and events
(aibot_event_callback); the service answers a message with aibot_respond_msg under the same
req_id, and pushes into a chat with aibot_send_msg. Each request is acknowledged by a frame with
its req_id and an errcode. A lost connection is opened again after 1, 2, 4 ... 30 s; a
`disconnected_event` means another connection took this robot over, so this one waits instead of
taking it back at once.
"""
import asyncio
import json
import logging
import uuid

import aiohttp

from bot.outbound.wechat_api import TRANSIENT_ERRORS, ApiError

log = logging.getLogger(__name__)
SUBSCRIBE, PING, RESPOND, WELCOME, SEND = ("aibot_subscribe", "ping", "aibot_respond_msg",
                                           "aibot_respond_welcome_msg", "aibot_send_msg")
PUSHED = ("aibot_msg_callback", "aibot_event_callback")
ACK_TIMEOUT_S = 5.0
MISSED_PINGS = 2
BACKOFF_S = (1, 2, 4, 8, 16, 30)
TAKEN_OVER_PAUSE_S = 600.0
NOT_CONNECTED = -3  # ours: the frame could not be written (no connection)


class RobotLink:
    """Open, authenticate, keep alive, reopen; `request()` sends a frame and waits for its acknowledgement."""

    def __init__(self, http: aiohttp.ClientSession, url: str, bot_id: str, secret: str, on_frame,
                 heartbeat_s: float = 30.0, pause=asyncio.sleep):
        self.http, self.url, self.bot_id, self.secret = http, url, bot_id, secret
        self.on_frame, self.heartbeat_s, self.pause = on_frame, heartbeat_s, pause
        self.ready = asyncio.Event()  # subscribed: requests may go out
        self.connections = 0
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._acks: dict[str, asyncio.Future] = {}
        self._missed = 0
        self._taken_over = False
        self._stopped = False
        self._tasks: set[asyncio.Task] = set()

    @property
    def missed_pings(self) -> int:
        """Pings sent on this connection since the last answer."""
        return self._missed

    async def run(self) -> None:
        """Stay connected until stop(): reconnect with growing pauses, pause long when taken over."""
        failures, self._stopped = 0, False
        while not self._stopped:
            subscribed = await self._session()
            if self._stopped:
                return
            failures = 0 if subscribed else failures + 1
            if self._taken_over:
                self._taken_over = False
                log.error("robot long connection taken over by another connection; waiting before taking it back")
                await self.pause(TAKEN_OVER_PAUSE_S)
            else:  # 1 s after a connection that worked; 1, 2, 4 ... 30 s after each one that did not
                await self.pause(BACKOFF_S[min(max(failures - 1, 0), len(BACKOFF_S) - 1)])

    async def request(self, cmd: str, body: dict | None = None, req_id: str | None = None) -> dict:
        """Send one frame and wait for WeCom's acknowledgement; ApiError if refused, unanswered or offline."""
        req_id = req_id or f"{cmd}_{uuid.uuid4().hex}"
        if self._ws is None or self._ws.closed:
            raise ApiError(NOT_CONNECTED, "robot long connection is down", transient=True)
        ack = asyncio.get_running_loop().create_future()
        self._acks[req_id] = ack
        try:
            await self._ws.send_str(json.dumps({"cmd": cmd, "headers": {"req_id": req_id}}
                                               | ({"body": body} if body is not None else {}), ensure_ascii=False))
            frame = await asyncio.wait_for(ack, ACK_TIMEOUT_S)
        except (ConnectionError, aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise ApiError(NOT_CONNECTED, f"robot frame not acknowledged: {exc.__class__.__name__}", transient=True) from None
        finally:
            self._acks.pop(req_id, None)
        errcode = int(frame.get("errcode") or 0)
        if errcode:
            raise ApiError(errcode, str(frame.get("errmsg", "")), transient=errcode in TRANSIENT_ERRORS)
        return frame

    async def beat(self) -> None:
        """One heartbeat: after MISSED_PINGS unanswered pings the connection is dead and is closed."""
        if self._missed >= MISSED_PINGS:
            log.warning("robot long connection silent; reconnecting", extra={"missed_pings": self._missed})
            await self._close()
            return
        self._missed += 1
        try:
            await self._ws.send_str(json.dumps({"cmd": PING, "headers": {"req_id": f"{PING}_{uuid.uuid4().hex}"}}))
        except (ConnectionError, aiohttp.ClientError, AttributeError):
            await self._close()

    def taken_over(self) -> None:
        """WeCom says a newer connection replaced this one."""
        self._taken_over = True
        self._spawn(self._close())

    async def stop(self) -> None:
        """Close for good (the service is stopping)."""
        self._stopped = True
        await self._close()
        for task in list(self._tasks):
            task.cancel()

    async def _session(self) -> bool:
        """One connection, from opening to closing; True if it got as far as being subscribed."""
        subscribed, reader, beating = False, None, None
        try:
            self._ws = await self.http.ws_connect(self.url, heartbeat=None, timeout=aiohttp.ClientWSTimeout(ws_close=5))
            if self._stopped:  # stop() came while connecting: it had no socket to close yet
                return False
            self.connections += 1
            self._missed = 0
            reader = asyncio.ensure_future(self._read())
            await self.request(SUBSCRIBE, {"bot_id": self.bot_id, "secret": self.secret})
            subscribed = True
            self.ready.set()
            log.info("robot long connection subscribed")
            beating = self._spawn(self._heartbeat())
            await reader
        except ApiError as error:
            log.error("robot long connection refused", extra={"error": str(error)})
        except (aiohttp.ClientError, OSError, asyncio.TimeoutError) as exc:
            log.warning("robot long connection failed", extra={"error": f"{exc.__class__.__name__}: {exc}"})
        finally:
            self.ready.clear()
            if beating is not None:
                beating.cancel()
            await self._close()
            if reader is not None:
                await asyncio.gather(reader, return_exceptions=True)
        return subscribed

    async def _read(self) -> None:
        async for message in self._ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                continue
            try:
                frame = json.loads(message.data)
                req_id = str(frame["headers"]["req_id"])
            except (ValueError, KeyError, TypeError):
                log.warning("robot frame not understood")
                continue
            if frame.get("cmd") in PUSHED:
                self._spawn(self.on_frame(self, frame))
            elif req_id.startswith(PING):
                self._missed = 0
            elif req_id in self._acks and not self._acks[req_id].done():
                self._acks[req_id].set_result(frame)
        for ack in self._acks.values():
            if not ack.done():
                ack.set_exception(ConnectionError("closed"))

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(self.heartbeat_s)
            await self.beat()

    async def _close(self) -> None:
        if self._ws is not None and not self._ws.closed:
            await self._ws.close()

    def _spawn(self, coroutine) -> asyncio.Task:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task
