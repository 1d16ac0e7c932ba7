"""Read the report form (multipart) within limits: fields as text, photos checked by size and content.

The application refuses bodies over 64 KB; this form streams its parts instead, counting as it
reads, so a phone's photos fit and a flood of bytes is cut off early.
"""
from dataclasses import dataclass, field

from aiohttp import web

from media.types import sniff

MAX_PHOTOS = 6
MAX_PHOTO_BYTES = 8 * 1024 * 1024  # a phone camera's JPEG is 2-5 MB
MAX_FIELD_BYTES = 8 * 1024
MAX_BODY = MAX_PHOTOS * MAX_PHOTO_BYTES + 256 * 1024
CHUNK = 64 * 1024
SHOWN_TYPES = ("image/jpeg", "image/png", "image/webp")  # what every phone browser shows on the status page


class TooLarge(Exception):
    """The request is bigger than any honest report."""


@dataclass
class Upload:
    """What the form sent: its text fields, its photos (bytes, type), and what was wrong with them."""

    fields: dict[str, str] = field(default_factory=dict)
    photos: list[tuple[bytes, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


async def read_upload(request: web.Request) -> Upload:
    """Stream the multipart body; raise TooLarge past MAX_BODY."""
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise TooLarge
    upload, total = Upload(), 0
    if request.content_type == "application/x-www-form-urlencoded":  # no photos: a plain form will do
        try:
            posted = await request.post()
        except web.HTTPRequestEntityTooLarge:
            raise TooLarge from None
        upload.fields = {k: str(v).replace("\x00", "") for k, v in posted.items() if isinstance(v, str)}
        return upload
    try:
        reader = await request.multipart()
    except (AssertionError, ValueError, KeyError):
        upload.problems.append("表单格式不对，请刷新页面后重新提交")
        return upload
    async for part in reader:
        if part.filename is None:
            data, size = await _read(part, MAX_FIELD_BYTES)
            total += size
            if size > MAX_FIELD_BYTES:
                upload.problems.append("填写的内容太长了")
                continue
            upload.fields[str(part.name)] = data.decode("utf-8", "replace").replace("\x00", "")
            continue
        data, size = await _read(part, MAX_PHOTO_BYTES)
        total += size
        if total > MAX_BODY:
            raise TooLarge
        _photo(upload, part.filename, data, size)
    return upload


def _photo(upload: Upload, filename: str, data: bytes, size: int) -> None:
    if not size:
        return  # the empty file input of a form sent without photos
    if len(upload.photos) >= MAX_PHOTOS:
        upload.problems.append(f"最多上传{MAX_PHOTOS}张照片")
        return
    if size > MAX_PHOTO_BYTES:
        upload.problems.append(f"照片“{filename[:40]}”超过{MAX_PHOTO_BYTES // 1024 // 1024}MB，请换一张")
        return
    kind = sniff(data)  # by the first bytes, whatever the browser says the file is
    if kind not in SHOWN_TYPES:
        upload.problems.append(f"“{filename[:40]}”不是照片（支持 JPG、PNG、WebP）")
        return
    upload.photos.append((data, kind))


async def _read(part, limit: int) -> tuple[bytes, int]:
    """A part's bytes (only when within `limit`: the rest is drained, not kept) and its whole size."""
    chunks, size = [], 0
    while True:
        chunk = await part.read_chunk(CHUNK)
        if not chunk:
            return (b"".join(chunks) if size <= limit else b""), size
        size += len(chunk)
        if size <= limit:
            chunks.append(chunk)
        elif size > MAX_BODY:
            raise TooLarge
