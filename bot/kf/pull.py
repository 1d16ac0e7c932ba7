"""The puller: a ticker step that fetches what a kf_msg_or_event announced and stores it in the inbox.

One instance pulls an account at a time (a lease on its cursor row); the cursor moves only after
the page's messages are stored, and the inbox's UNIQUE key makes a page pulled twice (a crash in
between, a lease that ran out) harmless. The stored messages wait, unclaimed, for the inbox worker,
which answers them like any channel's through the outbox.
"""
import asyncio
import logging
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, update
from sqlmodel import select

from bot.context import BotContext
from bot.conversation import texts
from bot.inbound import inbox
from bot.inbound.incoming import Incoming
from bot.kf.api import KfApi
from bot.kf.messages import Pulled, customer_message, welcome_code
from bot.outbound.wechat_api import ApiError
from core.clock import utc
from media.keep import MediaRefused, keep_media
from models import InboxMessage, KfCursor, KfCustomer
from models.rows import claim_rows, insert_ignore
from models.store import session

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=60)
BACK_OFF = timedelta(seconds=30)  # after a failed pull: WeCom refused or was unreachable
MAX_PAGES = 20  # 20 × 1,000 messages per account per tick; the rest on the next


class KfPuller:
    """`step(now)`: pull every account that has news (or has not been pulled for `safety_pull`)."""

    def __init__(self, ctx: BotContext, api: KfApi):
        self.ctx, self.api = ctx, api

    async def step(self, now: datetime) -> int:
        """Claim the accounts due a pull and pull them; the number of messages stored."""
        if not self.api.ready:
            return 0
        safety = self.ctx.settings.wechat.kf.safety_pull
        due = and_(or_(KfCursor.lease_until.is_(None), KfCursor.lease_until < now),
                   or_(KfCursor.wants > KfCursor.served, KfCursor.synced_at.is_(None),
                       KfCursor.synced_at < now - safety))
        claimed = await asyncio.to_thread(claim_rows, self.ctx.engine, KfCursor, due,
                                          dict(lease_until=now + LEASE, holder=self.ctx.instance[:60],
                                               served=KfCursor.wants),
                                          KfCursor.open_kfid, 10)
        return sum([await self._pull(open_kfid, now) for open_kfid in claimed])

    async def _pull(self, open_kfid: str, now: datetime) -> int:
        row = await asyncio.to_thread(_cursor, self.ctx.engine, open_kfid)
        token = row.token if row.token_until and utc(row.token_until) > now else ""
        cursor, stored = row.cursor, 0
        try:
            for _ in range(MAX_PAGES):
                page = await self.api.sync(open_kfid, cursor, token)
                items = page.get("msg_list") if isinstance(page.get("msg_list"), list) else []
                stored += await self._store(items, now)
                cursor = str(page.get("next_cursor") or cursor)[:64]
                await asyncio.to_thread(_move, self.ctx.engine, open_kfid, cursor)
                if not page.get("has_more"):
                    break
        except ApiError as error:
            log.warning("微信客服 pull failed", extra={"open_kfid": open_kfid, "error": str(error)})
            await asyncio.to_thread(_release, self.ctx.engine, open_kfid, now + BACK_OFF, None)  # then again
            return stored
        await asyncio.to_thread(_release, self.ctx.engine, open_kfid, None, now)
        return stored

    async def _store(self, items: list, now: datetime) -> int:
        for code in filter(None, map(welcome_code, items)):
            try:
                await self.api.welcome(code, texts.WELCOME)
            except ApiError as error:  # one chance only; the resident is answered when they write
                log.info("微信客服 welcome not sent", extra={"error": str(error)})
        pulled = [p for p in (customer_message(item, now) for item in items) if p is not None]
        pulled = [await self._with_photo(p) if p.media_id else p for p in pulled]
        if not pulled:
            return 0
        results = await asyncio.to_thread(inbox.store_many, self.ctx.engine, self.ctx.privacy,
                                          [(p.incoming, p.sent_at, None, None) for p in pulled])
        await asyncio.to_thread(_note_customers, self.ctx.engine, pulled)
        return sum(created for _, created in results)

    async def _with_photo(self, pulled: Pulled) -> Pulled:
        """Fetch the image into the store once (not again for a message already stored)."""
        if await asyncio.to_thread(_stored, self.ctx.engine, pulled.incoming.msg_key):
            return pulled
        try:
            image = await self.api.media(pulled.media_id)
        except ApiError as error:
            log.warning("微信客服 image not fetched", extra={"error": str(error)})
            image = None
        url = await asyncio.to_thread(_keep_photo, self.ctx, pulled.incoming.sender, *image) if image else None
        incoming = pulled.incoming
        return Pulled(Incoming(channel=incoming.channel, sender=incoming.sender, msg_key=incoming.msg_key,
                               msg_type="image", pic_url=url), pulled.sent_at, pulled.open_kfid)


def _cursor(engine, open_kfid: str) -> KfCursor:
    with session(engine) as db:
        return db.get(KfCursor, open_kfid)


def _move(engine, open_kfid: str, cursor: str) -> None:
    with session(engine) as db:
        db.exec(update(KfCursor).where(KfCursor.open_kfid == open_kfid).values(cursor=cursor))
        db.commit()


def _release(engine, open_kfid: str, lease_until: datetime | None, synced_at: datetime | None) -> None:
    """End the pull: done (synced_at), or failed and to be tried again once `lease_until` has passed."""
    done = dict(synced_at=synced_at) if synced_at else dict(served=KfCursor.served - 1)
    values = dict(lease_until=lease_until, holder="") | done
    with session(engine) as db:
        db.exec(update(KfCursor).where(KfCursor.open_kfid == open_kfid).values(**values))
        db.commit()


def _note_customers(engine, pulled: list[Pulled]) -> None:
    """Who wrote to which account and when: the start of each one's 48-hour, 5-message window."""
    with session(engine) as db:
        for p in pulled:
            user = p.incoming.sender
            insert_ignore(db, KfCustomer, dict(external_userid=user, open_kfid=p.open_kfid), ["external_userid"])
            row = db.get(KfCustomer, user)
            if row.last_message_at is None or utc(row.last_message_at) <= p.sent_at:
                row.open_kfid, row.last_message_at = p.open_kfid, p.sent_at
                db.add(row)
        db.commit()


def _stored(engine, msg_key: str) -> bool:
    with session(engine) as db:
        return db.exec(select(InboxMessage.id).where(InboxMessage.msg_key == msg_key)).first() is not None


def _keep_photo(ctx: BotContext, sender: str, data: bytes, kind: str) -> str | None:
    """The image in the media store: its address for the ticket (None, and a log line, if it is refused)."""
    try:
        return keep_media(ctx.media, data, kind, "photo", f"kf:{sender}", source="kf")
    except MediaRefused as refused:
        log.warning("微信客服 image not kept", extra={"error": str(refused)})
        return None
