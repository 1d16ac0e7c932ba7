"""The media fetcher: a ticker step that downloads the photos and voice of messages already answered, keeps
them in our store, and points their ticket at our copy.

It runs after the message was processed (its ticket is known then), never on the callback's path: the
answer within WeChat's 5 s does not wait for a download. A failed download leaves the ticket with WeChat's
address and a line in its timeline; a busy WeChat or network is tried again a few times, spaced out.
"""
import asyncio
import logging
from datetime import datetime, timedelta

from bot.context import BotContext
from bot.inbound import inbox
from bot.inbound.people import member_by_wechat_id, resident_for
from bot.media import jobs
from bot.media.download import NOT_CONFIGURED, media_get, robot_image
from bot.outbound.transports import Transports
from bot.outbound.wechat_api import ApiError
from media.keep import keep_media

log = logging.getLogger(__name__)
NOT_YET = timedelta(seconds=2)  # the message is still being processed: look again soon
MAX_TRIES = 5
BACK_OFF = timedelta(minutes=1)  # × 2 per try: 1, 2, 4, 8 minutes, well inside WeChat's 3 days


class MediaFetcher:
    """`step(now)`: download what is due; the number of files kept."""

    def __init__(self, ctx: BotContext, transports: Transports):
        self.ctx, self.transports = ctx, transports

    async def step(self, now: datetime) -> int:
        """Claim the due downloads and do them one after another (WeChat's pace, not ours)."""
        kept = 0
        for key in await asyncio.to_thread(jobs.claim, self.ctx.engine, now):
            kept += await self._one(key, now)
        return kept

    async def _one(self, key: str, now: datetime) -> int:
        engine = self.ctx.engine
        job = await asyncio.to_thread(jobs.load, engine, key)
        row = await asyncio.to_thread(inbox.load_by_key, engine, job["msg_key"]) if job else None
        if job is None or row is None:
            await asyncio.to_thread(jobs.drop, engine, key)
            return 0
        if row.status not in ("done", "failed"):
            await asyncio.to_thread(jobs.later, engine, key, job, now + NOT_YET)
            return 0
        if row.ticket_id is None:  # joined no ticket (no open report, a question...): nothing to keep it for
            await asyncio.to_thread(jobs.drop, engine, key)
            return 0
        voice = job["kind"] == "voice"
        try:
            data, content_type = await self._download(job)
            by = await asyncio.to_thread(self._sender, job["channel"], row.sender, now)
            # the media store's one door (ctx.media, the store the pages serve from); ValueError when it refuses
            url = await asyncio.to_thread(keep_media, self.ctx.media, data, content_type, "voice" if voice else "photo",
                                          by, row.ticket_id, source=job["channel"])
        except ApiError as error:
            tries = job["tries"] + 1
            if error.transient and tries < MAX_TRIES:
                await asyncio.to_thread(jobs.later, engine, key, job | {"tries": tries}, now + BACK_OFF * 2 ** (tries - 1))
                return 0
            await self._give_up(key, job, row.ticket_id, str(error))
            return 0
        except ValueError as refused:  # the store's limits (size, type, retention settings)
            await self._give_up(key, job, row.ticket_id, str(refused))
            return 0
        await asyncio.to_thread(self.ctx.dispatcher.keep_media, row.ticket_id, jobs.ref(job["msg_key"]), url, by, voice)
        await asyncio.to_thread(jobs.drop, engine, key)
        return 1

    async def _give_up(self, key: str, job: dict, ticket_id: int, why: str) -> None:
        """The ticket keeps WeChat's address (nothing for a voice) and its timeline says why."""
        log.warning("media not kept", extra={"msg_key": job["msg_key"], "error": why})
        voice = job["kind"] == "voice"
        kept_as = "" if voice else "，工单保留微信原地址（微信约 3 天后失效）"
        await asyncio.to_thread(self.ctx.dispatcher.annotate, ticket_id, "media_failed",
                                f"{'语音' if voice else '照片'}未能从微信下载保存（{why}）{kept_as}"[:200])
        await asyncio.to_thread(jobs.drop, self.ctx.engine, key)

    async def _download(self, job: dict) -> tuple[bytes, str]:
        t = self.transports
        if "url" in job:  # the intelligent robot: a file encrypted with its own key (long connection) or the callback's
            robot = self.ctx.settings.wechat.robot
            return await robot_image(t.http, job["url"], job.get("aeskey") or robot.encoding_aes_key, t.timeout,
                                     robot.media_hosts)
        endpoint, ready = (t.work, t.work_ready) if job["channel"] == "work" else (t.mp, t.mp_ready)
        if not ready:
            key = "wechat.work.secret" if job["channel"] == "work" else "wechat.mp.app_secret"
            raise ApiError(NOT_CONFIGURED, f"{key} 未配置，无法调用 media/get", transient=False)
        return await media_get(t, endpoint, job["media_id"], job["kind"])

    def _sender(self, channel: str, sender: str, now: datetime) -> str:
        """Who sent it, as tickets name people: a member's id, or resident:<id>."""
        member = member_by_wechat_id(self.ctx.engine, sender) if channel == "work" else None
        return member.id if member else f"resident:{resident_for(self.ctx.engine, channel, sender, now).id}"
