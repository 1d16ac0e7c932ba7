"""Photos from phones: read from a multipart form within limits, checked to be images, kept in the media store.

The app's request limit is 64 KB (callbacks); photos are read part by part from the stream
instead, each up to MAX_BYTES, so a camera picture fits and nothing larger is buffered.
"""
import asyncio

from aiohttp import web

from media.keep import Media, MediaRefused, forget_media, keep_media
from media.types import kind_of, sniff
from models import Photo
from models.store import session
from web.media_files import media_response

MAX_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 4
MAX_FIELD = 4000  # characters of a text field (a note is cut at 500 by the handlers)
PATH = "/m/photos/"  # photos kept in table `photo` before the media store; new ones are /media/{key}


class BadUpload(ValueError):
    """The form cannot be taken as sent; the message says why, in words for the person."""


async def read_form(request: web.Request, csrf: str | None) -> tuple[dict[str, str], list[tuple[str, bytes]]]:
    """Text fields and (content type, bytes) of each photo of a multipart or urlencoded form.

    The form's token comes before its files: photos are not even read for a forged post
    (`csrf` None: the demo's own API, which has no sessions).
    """
    if not request.content_type.startswith("multipart/"):
        return {k: str(v) for k, v in (await request.post()).items()}, []
    fields: dict[str, str] = {}
    photos: list[tuple[str, bytes]] = []
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if part.filename is None:
            fields[part.name or ""] = (await _read(part, MAX_FIELD * 4)).decode("utf-8", "replace")[:MAX_FIELD]
            continue
        if csrf is not None and fields.get("csrf") != csrf:
            raise web.HTTPForbidden(text="表单已过期，请返回刷新后重试")
        data = await _read(part, MAX_BYTES)
        if not data:
            continue  # the file input left empty
        kind = sniff(data)  # by the first bytes, whatever the phone called the file
        if kind is None or kind_of(kind) != "photo":
            raise BadUpload("只能上传照片（JPG、PNG、HEIC 等图片）。")
        if len(photos) == MAX_PHOTOS:
            raise BadUpload(f"一次最多上传 {MAX_PHOTOS} 张照片。")
        photos.append((kind, data))
    return fields, photos


async def _read(part, limit: int) -> bytes:
    data = bytearray()
    while chunk := await part.read_chunk(64 * 1024):
        data += chunk
        if len(data) > limit:
            raise BadUpload(f"照片太大（超过 {limit // 1024 // 1024} MB），请压缩后再传。")
    return bytes(data)


def keep(media: Media, photos: list[tuple[str, bytes]], uploaded_by: str, ticket_id: int | None,
         source: str = "m") -> list[str]:
    """Keep the photos in the media store; return their addresses. All or none: BadUpload says why not."""
    urls: list[str] = []
    try:
        for kind, data in photos:
            urls.append(keep_media(media, data, kind, "photo", uploaded_by, ticket_id, source=source))
    except MediaRefused as refused:
        forget_media(media, urls)
        raise BadUpload(str(refused)) from None
    return urls


async def serve(request: web.Request, engine) -> web.Response:
    """An older photo's bytes (table `photo`) under its own type."""
    photo_id = request.match_info["photo"]
    if len(photo_id) != 32 or not all(c in "0123456789abcdef" for c in photo_id):
        raise web.HTTPNotFound(text="没有这张照片")
    photo = await asyncio.to_thread(_load, engine, photo_id)
    if photo is None:
        raise web.HTTPNotFound(text="没有这张照片")
    return media_response(photo.data, photo.content_type)


def _load(engine, photo_id: str) -> Photo | None:
    with session(engine) as db:
        return db.get(Photo, photo_id)
