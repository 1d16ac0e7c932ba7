"""The one door for keeping a photo or a voice message: checked, stored, recorded, and given an address.

Every channel calls `keep_media` with the bytes it has (a /m upload, a 随手拍 form, 微信客服's
image, WeChat's media/get) and puts the returned address on the ticket, as it did with WeChat's URLs.
It blocks (file or network, then the database): call it from a thread (`asyncio.to_thread`).
"""
import logging
from dataclasses import dataclass
from typing import Any

from core.clock import Clock
from core.config_media import MediaSettings
from media.store import MediaStore, new_key
from media.types import sniff
from models.media import MediaFile
from models.store import session

log = logging.getLogger(__name__)
PATH = "/media/"
NAMES = {"photo": "照片", "voice": "语音"}


@dataclass(frozen=True)
class Media:
    """What keeping media needs: the store for bytes, the database for rows, the limits, the clock."""

    engine: Any
    store: MediaStore
    settings: MediaSettings
    clock: Clock


class MediaRefused(ValueError):
    """Not kept, and why, in words for the person who sent it (nothing was stored)."""


def keep_media(media: Media, data: bytes, content_type: str, kind: str, by: str, ticket_id: int | None = None,
               *, source: str = "") -> str:
    """Check size and type, store the bytes under a new random key, record them; return the address (/media/{key}).

    `content_type` is what the sender said (WeChat's Content-Type header, a form's); the stored type is
    read from the bytes, and a kind or type not allowed by `media.*_types` raises MediaRefused.
    `by`: member id, resident:<id>, or the channel's sender id; `source`: the channel (oa, work, kf, m...).
    """
    kept_type = check(media.settings, data, content_type, kind)
    key = new_key()
    media.store.put(key, data, kept_type)  # the bytes first: a crash before the row leaves an orphan, not a hole
    try:
        with session(media.engine) as db:
            db.add(MediaFile(key=key, url=PATH + key, kind=kind, content_type=kept_type, size=len(data),
                             source=source[:20], sender=by[:80], ticket_id=ticket_id, created_at=media.clock.now()))
            db.commit()
    except Exception:
        media.store.delete(key)
        raise
    return PATH + key


def check(settings: MediaSettings, data: bytes, content_type: str, kind: str) -> str:
    """The type to keep the bytes under, or MediaRefused saying what is wrong."""
    if kind not in NAMES:
        raise MediaRefused(f"不支持的文件种类：{kind[:20]}")
    name, limit = NAMES[kind], settings.max_bytes(kind)
    if not data:
        raise MediaRefused(f"{name}是空的，请重新发送。")
    if len(data) > limit:
        raise MediaRefused(f"{name}太大（{len(data) / 1024 / 1024:.1f} MB），最大 {limit / 1024 / 1024:.0f} MB。")
    found = sniff(data)
    if found is None or found not in settings.types(kind):
        log.info("media refused", extra={"kind": kind, "said": content_type[:60], "found": found})
        raise MediaRefused(f"这不是能保存的{name}（支持 {', '.join(t.split('/')[1] for t in settings.types(kind))}）。")
    return found


def forget_media(media: Media, urls: list[str]) -> None:
    """Remove media kept for something that did not happen (a photo for a task that was not the sender's)."""
    keys = [url.removeprefix(PATH) for url in urls if url.startswith(PATH)]
    with session(media.engine) as db:
        for key in keys:
            row = db.get(MediaFile, key)
            if row is not None:
                db.delete(row)
        db.commit()
    for key in keys:
        media.store.delete(key)
