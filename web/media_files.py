"""Kept photos and voice as HTTP answers: the bytes under their stored type, never run as a page.

GET /media/{key} is added by web.mobile.setup behind its login (a /m or console session, anyone in
demo mode); the older addresses (/m/photos/…, /r/photo/…) answer through `media_response` too.
"""
import asyncio

from aiohttp import web

from media.keep import Media
from media.store import BadKey, check_key

# nosniff: a browser must not take an "image" for HTML or script; the sandbox CSP keeps even an SVG inert.
HEADERS = {"Cache-Control": "private, max-age=86400", "X-Content-Type-Options": "nosniff",
           "Content-Security-Policy": "default-src 'none'; sandbox"}
GONE = "没有这个文件（或已过保存期）"


def media_response(data: bytes, content_type: str) -> web.Response:
    """The bytes with the headers every kept photo or voice is served with."""
    return web.Response(body=data, content_type=content_type, headers=HEADERS)


async def serve(request: web.Request, media: Media) -> web.Response:
    """The blob under `key`, or 404 for a key that is not ours or has nothing stored (deleted, expired)."""
    try:
        key = check_key(request.match_info["key"])
    except BadKey:
        raise web.HTTPNotFound(text=GONE) from None
    found = await asyncio.to_thread(media.store.get, key)
    if found is None:
        raise web.HTTPNotFound(text=GONE)
    return media_response(*found)
