"""The demo page's own API beside demo/channel.py's chat: the demo clock, photo sending, incremental updates.

run.py adds it only in demo mode, after demo.channel (it needs services.bot and an OffsetClock).
"""
import asyncio

from aiohttp import web

from core.services import Services
from demo import clock, feed, photos
from web.app import SERVICES


def setup(app: web.Application, services: Services) -> None:
    """Add /demo/api/clock, /demo/api/photo and /demo/api/updates; carry on at the demo time reached before."""
    clock.restore(services)
    app.router.add_get("/demo/api/clock", clock.state)
    app.router.add_post("/demo/api/clock", clock.advance)
    app.router.add_post("/demo/api/photo", photos.send)
    app.router.add_get("/demo/api/updates", _updates)


async def _updates(request: web.Request) -> web.Response:
    """GET /demo/api/updates?after=<last push id>."""
    raw = request.query.get("after", "0")
    after = int(raw) if raw.isdigit() and len(raw) < 12 else 0
    services = request.app[SERVICES]
    body = await asyncio.to_thread(feed.updates, services.engine, after)
    return web.json_response(body | {"clock": clock.snapshot(services)})
