"""`kf_msg_or_event`: WeCom says there is something to pull. Remember it (and its Token) for the puller."""
import asyncio
import logging
import re
from datetime import datetime, timedelta

from aiohttp import web
from sqlalchemy import update

from bot.context import BotContext
from bot.inbound import nonces
from bot.inbound.guard import Rejected, replayed
from bot.inbound.nonces import Seen
from models import KfCursor
from models.rows import insert_ignore
from models.store import session

log = logging.getLogger(__name__)
TOKEN_LIFETIME = timedelta(minutes=10)  # the callback's Token lifts sync_msg's strict rate limit this long
_ID = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")


async def kf_signal(ctx: BotContext, data: dict, query: Seen | None = None) -> web.Response:
    """Record that an account has news; the puller (a ticker step) fetches it within a tick. The callback's
    query is remembered with it: the same query with another body is refused (bot/inbound/nonces.py)."""
    open_kfid, token = data.get("OpenKfId") or "", data.get("Token") or ""
    if not _ID.match(open_kfid) or len(token) > 128:
        raise Rejected(400, "kf event without a usable OpenKfId or Token")
    kf = ctx.settings.wechat.kf
    if not kf.enabled or (kf.open_kfids and open_kfid not in kf.open_kfids):
        log.info("kf event for an account not served", extra={"open_kfid": open_kfid})
        return web.Response(text="success")
    if not await asyncio.to_thread(want_pull, ctx.engine, open_kfid, token, ctx.clock.now(), query):
        raise replayed()
    return web.Response(text="success")


def want_pull(engine, open_kfid: str, token: str, now: datetime, query: Seen | None = None) -> bool:
    """Ask for a pull of this account (a newer Token replaces the older); False, and nothing asked, for a
    callback query that came before with another body."""
    with session(engine) as db:
        if query is not None and not nonces.admit(db, query):
            return False
        insert_ignore(db, KfCursor, dict(open_kfid=open_kfid, cursor="", token="", holder="", wants=0, served=0),
                      ["open_kfid"])
        values = dict(wants=KfCursor.wants + 1) | (dict(token=token, token_until=now + TOKEN_LIFETIME) if token else {})
        db.exec(update(KfCursor).where(KfCursor.open_kfid == open_kfid).values(**values))
        db.commit()
    return True
