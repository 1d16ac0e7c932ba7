"""Photos from phones: read from a multipart form within limits, checked to be images, kept and served.

The app's request limit is 64 KB (callbacks); photos are read part by part from the stream
instead, each up to MAX_BYTES, so a camera picture fits and nothing larger is buffered.
"""
import asyncio
import secrets

from aiohttp import web

from models import Photo
from models.store import session

MAX_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 4
MAX_FIELD = 4000  # characters of a text field (a note is cut at 500 by the handlers)
# The first bytes of each image format a phone camera or gallery gives; anything else is refused.
SIGNATURES = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"GIF87a", "image/gif"),
              (b"GIF89a", "image/gif"))
PATH = "/m/photos/"


class BadUpload(ValueError):
    """The form cannot be taken as sent; the message says why, in words for the person."""


def image_type(data: bytes) -> str | None:
    """The image's MIME type from its first bytes, or None if it is not an image we keep."""
    for magic, kind in SIGNATURES:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"mif1", b"msf1"):
        return "image/heic"
    return None


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
        kind = image_type(data)
        if kind is None:
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


def keep(engine, photos: list[tuple[str, bytes]], uploaded_by: str, ticket_id: int | None, now) -> list[str]:
    """Store the photos; return their URLs (paths on this site)."""
    ids = []
    with session(engine) as db:
        for kind, data in photos:
            ids.append(secrets.token_hex(16))
            db.add(Photo(id=ids[-1], content_type=kind, size=len(data), data=data, uploaded_by=uploaded_by,
                         ticket_id=ticket_id, created_at=now))
        db.commit()
    return [PATH + i for i in ids]


async def serve(request: web.Request, engine) -> web.Response:
    """The photo's bytes under its own type; never run as a page (no sniffing, no scripts)."""
    photo_id = request.match_info["photo"]
    if len(photo_id) != 32 or not all(c in "0123456789abcdef" for c in photo_id):
        raise web.HTTPNotFound(text="没有这张照片")
    photo = await asyncio.to_thread(_load, engine, photo_id)
    if photo is None:
        raise web.HTTPNotFound(text="没有这张照片")
    return web.Response(body=photo.data, content_type=photo.content_type,
                        headers={"Cache-Control": "private, max-age=86400", "X-Content-Type-Options": "nosniff",
                                 "Content-Security-Policy": "default-src 'none'; sandbox"})


def _load(engine, photo_id: str) -> Photo | None:
    with session(engine) as db:
        return db.get(Photo, photo_id)
