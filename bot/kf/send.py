"""Answers and notices to 微信客服 residents through kf/send_msg, within what WeCom allows.

WeCom lets the service write to a customer for 48 hours after the customer's last message, at most
5 messages, and again after each new message. A notice outside that window is not sent at all:
it is refused here, before any call, as a permanent failure that names the window.
"""
import asyncio
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import select

from bot.kf.api import KfApi
from bot.outbound.transports import Address
from bot.outbound.wechat_api import ApiError
from core.clock import utc
from models import KfCustomer, Outbox, Resident
from models.store import session

WINDOW = timedelta(hours=48)
QUOTA = 5
OUTSIDE_WINDOW = -45015  # ours, not WeCom's: refused before the call (OA's 45015 is the same rule)


class KfChannel:
    """The transport of residents whose channel is "kf"."""

    def __init__(self, api: KfApi, engine, clock):
        self.api, self.engine, self.clock = api, engine, clock

    def address(self, row: Outbox, resident: Resident, now: datetime) -> Address | None:
        """kf/send_msg when 微信客服 is configured; otherwise (the demo) nothing, and the demo page shows it."""
        return Address("kf", str(resident.id)) if self.api.ready else None

    async def send(self, address: Address, msg_type: str, payload: dict, idem_key: str) -> None:
        """Within the window, send the text; outside it, raise a permanent ApiError without calling WeCom."""
        found = await asyncio.to_thread(window, self.engine, int(address.to), self.clock.now())
        if isinstance(found, str):
            raise ApiError(OUTSIDE_WINDOW, found, transient=False)
        customer, user = found
        await self.api.send_text(customer.open_kfid, user, payload.get("text", ""), idem_key)


def window(engine, resident_id: int, now: datetime) -> tuple[KfCustomer, str] | str:
    """(the customer, their external_userid) if a message may go now, else why not."""
    with session(engine) as db:
        resident = db.get(Resident, resident_id)
        customer = db.get(KfCustomer, resident.external_id) if resident else None
        if customer is None or customer.last_message_at is None:
            return "微信客服: 居民尚未发来消息，无法主动发送"
        since = utc(customer.last_message_at)
        if now - since > WINDOW:
            return f"微信客服: 居民最后一条消息已超过48小时（{since:%Y-%m-%d %H:%M} UTC），需等居民再次发消息"
        sent = db.exec(select(func.count()).select_from(Outbox).where(
            Outbox.channel == "resident", Outbox.recipient == str(resident_id), Outbox.status == "sent",
            Outbox.sent_at >= since)).one()
        if sent >= QUOTA:
            return f"微信客服: 居民最后一条消息后已发送{QUOTA}条，需等居民再次发消息"
        return customer, resident.external_id
