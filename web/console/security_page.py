"""登录安全: the accounts and addresses locked for failed logins now, the lockouts of the last 30 days, and 解锁.

For 所领导 and 值班 (the station's view); every lockout and every unlock is an audit row.
"""
import asyncio
from datetime import timedelta

from aiohttp import web

from models.login_guard import lockouts_since, locks_in_force, unlock
from models.store import session
from web.console.auth import check_csrf, current
from web.console.banners import banner
from web.console.context import CONSOLE

HISTORY = timedelta(days=30)


async def security(request: web.Request) -> web.Response:
    """GET /console/security."""
    viewer = await current(request)
    console = request.app[CONSOLE]
    if not viewer.station:
        return console.render("error.html", status=403, viewer=viewer, message="只有所领导和值班民警可以查看登录安全记录。")
    services = console.services
    now = services.clock.now()

    def load():
        with session(services.reader) as db:
            return locks_in_force(db, now), lockouts_since(db, now - HISTORY)
    locks, history = await asyncio.to_thread(load)
    names = {m.id: m.name for m in services.settings.members}
    return console.render("security.html", viewer=viewer, nav="security", locks=locks, history=history, names=names,
                          **banner(request.query))


async def lift(request: web.Request) -> web.Response:
    """POST /console/security/unlock: scope, key, csrf."""
    viewer = await current(request, page=False)
    if not viewer.station:
        raise web.HTTPForbidden(text="只有所领导和值班民警可以解除锁定。")
    form = await request.post()
    check_csrf(viewer, form)
    scope, key = str(form.get("scope", "")), str(form.get("key", ""))[:64]
    if scope not in ("account", "address") or not key:
        raise web.HTTPBadRequest(text="不支持的操作")
    services = request.app[CONSOLE].services
    lifted = await asyncio.to_thread(unlock, services.engine, scope, key, viewer.id, services.clock.now())
    raise web.HTTPSeeOther(f"/console/security?msg={'unlocked' if lifted else 'not_locked'}")
