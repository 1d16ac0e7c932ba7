"""Residents' messages as WeChat delivers them to a real service process, and waiting for it to settle.

WeChat's side is played faithfully: signed, encrypted callbacks, each with its MsgId; the
tests send again what got no answer (WeChat retries for about 15 s) and replay some answered
ones. What must hold afterwards is in tests/reliability/invariants.py.
"""
import asyncio
import time
from dataclasses import dataclass, field

import aiohttp
from sqlmodel import select

from core.clock import SystemClock
from models import Deadline, InboxMessage, Outbox
from models.store import make_engine, session
from tests.bot import wechat

REPORTS = ["桂花苑3栋路灯坏了好几天了晚上黑乎乎的", "锦绣花园5栋楼道有人给电瓶车充电", "柳溪村二组垃圾堆了一个礼拜没人清",
           "翠湖苑7栋楼上天天半夜装修吵得睡不着", "青石菜市场门口有条流浪狗见人就咬", "柳溪大桥下面有人聚众赌博",
           "柳溪村四组有人打架了头都打破了", "桂花幼儿园门口下水道井盖没了"]
CHATTER = ["大家早上好", "谢谢网格员"]
SETTLE_S = 7  # the fast ladder's two accept steps (2 s and 4 s) and the sends after them


@dataclass
class Message:
    """One resident message as WeChat would post it."""

    msg_id: int
    sender: str
    text: str

    @property
    def key(self) -> str:
        """The inbox's UNIQUE key for it."""
        return f"mp:{self.sender}:{self.msg_id}"

    def request(self) -> tuple[dict, str]:
        now = int(time.time())
        return wechat.mp_safe(wechat.text_xml(self.sender, self.text, self.msg_id, now), now)


@dataclass
class Traffic:
    """What WeChat saw: which messages were answered, and the passive replies."""

    messages: list[Message]
    acked: set[int] = field(default_factory=set)
    replies: dict[int, list[str]] = field(default_factory=dict)


def traffic(seed: int) -> Traffic:
    """Reports and chatter from different residents, each with its own MsgId."""
    texts = REPORTS + CHATTER
    return Traffic([Message(seed * 1000 + i, f"oResident{i:02d}", text) for i, text in enumerate(texts)])


async def post(http: aiohttp.ClientSession, base: str, t: Traffic, m: Message) -> int | None:
    """Post one callback; its HTTP status, or None when a dead or dying service gave no answer."""
    query, body = m.request()
    try:
        async with http.post(base + "/wechat/mp", params=query, data=body.encode(),
                             timeout=aiohttp.ClientTimeout(total=6)) as response:
            text = await response.text()
            if response.status == 200:
                t.acked.add(m.msg_id)
                t.replies.setdefault(m.msg_id, []).append(wechat.decrypt_reply(text) if "<Encrypt>" in text else text)
            return response.status
    except (aiohttp.ClientError, asyncio.TimeoutError):
        return None


async def wait_settled(url: str, timeout: float = 20) -> bool:
    """Give the real process its real seconds (ladders), then wait until nothing is left to do."""
    await asyncio.sleep(SETTLE_S)
    for _ in range(int(timeout / 0.2)):
        if await asyncio.to_thread(settled, url):
            return True
        await asyncio.sleep(0.2)
    return False


def settled(url: str) -> bool:
    """Every message processed and nothing left to send or fire that is already due."""
    engine = make_engine(url)
    try:
        with session(engine) as db:
            busy_inbox = db.exec(select(InboxMessage).where(InboxMessage.status.not_in(("done", "failed")))).all()
            busy_outbox = db.exec(select(Outbox).where(Outbox.status.in_(("pending", "sending")))).all()
            # A rung already due but not yet fired (a busy machine's ticker runs late) is work left.
            due = db.exec(select(Deadline.id).where(Deadline.status.in_(("pending", "claimed")),
                                                    Deadline.due_at <= SystemClock().now())).all()
        return not busy_inbox and not busy_outbox and not due
    finally:
        engine.dispose()
