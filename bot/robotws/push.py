"""Notices to robot residents over the long connection, and the lease that keeps it on one instance.

A report made in a group carries its chat id: 签收, 办结 and the 回访 question go back into that
group (phone and ID numbers masked, as every group reply is). One to one, the chat id of a single
chat is the member's userid. WeCom allows one connection per robot, so instances take turns by a
lease row; an instance without the connection hands its pushes back to be tried again.
"""
import asyncio
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlmodel import select

from bot.outbound.transports import Address
from bot.outbound.wechat_api import ApiError
from bot.robotws.link import NOT_CONNECTED, SEND, RobotLink
from core.privacy import mask
from models import Outbox, Resident, SharedValue
from models.rows import insert_ignore
from models.store import session

LEASE_KEY = "robot_ws:holder"
LEASE = timedelta(seconds=60)


class RobotPush:
    """The transport of residents whose channel is "robot", in long-connection mode."""

    def __init__(self, link: RobotLink):
        self.link = link

    def address(self, row: Outbox, resident: Resident, now: datetime) -> Address:
        """The group the report came from, else the member's single chat."""
        chat = row.payload.get("chat_id")
        return Address("robot", f"group:{chat}" if chat else f"single:{resident.external_id}")

    async def send(self, address: Address, msg_type: str, payload: dict, idem_key: str) -> None:
        """aibot_send_msg as markdown; offline here means "try again later", maybe on the instance holding it."""
        kind, _, chat = address.to.partition(":")
        text = mask(payload.get("text", "")) if kind == "group" else payload.get("text", "")
        if not self.link.ready.is_set():
            raise ApiError(NOT_CONNECTED, "robot long connection not held by this instance", transient=True)
        await self.link.request(SEND, {"chatid": chat, "msgtype": "markdown", "markdown": {"content": text}})


class LinkKeeper:
    """Ticker step: hold (or take, when free) the lease, and keep the link running while holding it."""

    def __init__(self, link: RobotLink, engine, instance: str):
        self.link, self.engine, self.instance = link, engine, instance
        self.task: asyncio.Task | None = None

    async def step(self, now: datetime) -> int:
        """Renew or take the lease; start the link if this instance holds it and it is not running."""
        held = await asyncio.to_thread(hold_lease, self.engine, self.instance, now)
        if held and (self.task is None or self.task.done()):
            self.task = asyncio.ensure_future(self.link.run())
            return 1
        if not held and self.task is not None and not self.task.done():
            await self.link.stop()  # another instance took over (this one was stalled past the lease)
        return 0


def hold_lease(engine, instance: str, now: datetime) -> bool:
    """True if this instance holds the connection's lease after this call (renewed, or taken when free)."""
    with session(engine) as db:
        insert_ignore(db, SharedValue, dict(key=LEASE_KEY, value="", expires_at=now), ["key"])
        mine_or_free = or_(SharedValue.value == instance, SharedValue.expires_at < now, SharedValue.value == "")
        db.exec(update(SharedValue).where(SharedValue.key == LEASE_KEY, mine_or_free)
                .values(value=instance, expires_at=now + LEASE, updated_at=now))
        db.commit()
        return db.exec(select(SharedValue.value).where(SharedValue.key == LEASE_KEY)).one() == instance
