"""The demo clock: 快进 10 分钟 / 1 小时 / 1 天, so deadlines, escalations, 回访 and duties fire now.

Demo mode only (run.py gives the service an OffsetClock then). The offset is kept in the store,
so a restarted demo carries on at the time it had reached rather than going back.
"""
import asyncio
from datetime import timedelta

from aiohttp import web
from sqlmodel import select

from core.services import Services
from models import SharedValue
from models.store import session
from web.app import SERVICES
from web.console.labels import duration, local

STEPS = {"10m": "快进 10 分钟", "1h": "快进 1 小时", "1d": "快进 1 天"}
KEY = "demo:clock_offset"
MAX_CYCLES = 5  # one cycle fires what fell due; a few more let what those firings scheduled follow


def restore(services: Services) -> None:
    """Carry on at the demo time an earlier run reached."""
    clock = services.clock
    if not hasattr(clock, "catch_up"):
        return
    with session(services.engine) as db:
        row = db.get(SharedValue, KEY)
    if row is not None and row.value.isdigit():
        clock.catch_up(timedelta(seconds=int(row.value)))


async def state(request: web.Request) -> web.Response:
    """GET /demo/api/clock: the demo's time and how far it has been moved on."""
    return web.json_response(snapshot(request.app[SERVICES]))


async def advance(request: web.Request) -> web.Response:
    """POST /demo/api/clock {"step": "10m"|"1h"|"1d"}: move the clock and fire what fell due."""
    services = request.app[SERVICES]
    try:
        body = await request.json()
    except ValueError:
        body = {}
    step = body.get("step") if isinstance(body, dict) else None
    if step not in STEPS or not hasattr(services.clock, "advance"):
        return web.json_response({"error": "只能快进 10 分钟、1 小时或 1 天"}, status=400)
    services.clock.advance(step)
    await asyncio.to_thread(_keep, services)
    fired = 0
    for _ in range(MAX_CYCLES):
        done = await services.ticker.cycle()
        fired += done
        if not done:
            break
    return web.json_response(snapshot(services) | {"fired": fired, "step": STEPS[step]})


def snapshot(services: Services) -> dict:
    """The demo time as the page shows it."""
    offset = getattr(services.clock, "offset", timedelta(0))
    tz = services.calendar.tz
    return {"now": services.clock.now().isoformat(), "local": local(services.clock.now(), tz, "%m-%d %H:%M"),
            "ahead": duration(offset) if offset else "", "steps": STEPS}


def _keep(services: Services) -> None:
    seconds = str(int(getattr(services.clock, "offset", timedelta(0)).total_seconds()))
    now = services.clock.now()
    with session(services.engine) as db:
        row = db.exec(select(SharedValue).where(SharedValue.key == KEY).with_for_update()).first()
        row = row or SharedValue(key=KEY, value="0")
        row.value, row.updated_at = seconds, now
        db.add(row)
        db.commit()
