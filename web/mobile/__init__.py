"""The grid worker's task page at /m, made for a phone (and WeCom's browser), server-rendered.

run.py adds it with `web.mobile.setup` in route_setups (it needs services.dispatcher).
In demo mode a member picker signs people in; otherwise WeCom's OAuth2 (snsapi_base).
"""
from aiohttp import web

from core.services import Services
from web import media_files
from web.mobile import actions, identity, pages, photos
from web.mobile.context import HERE, MOBILE, build_mobile


def setup(app: web.Application, services: Services) -> None:
    """Add /m's routes and its static files (served locally: no CDN)."""
    app[MOBILE] = build_mobile(services)
    router = app.router
    router.add_get("/m", pages.home)
    router.add_get("/m/grid", pages.grid)
    router.add_get("/m/visits", pages.visit_list)
    router.add_post("/m/visits/{person}", actions.visit)
    router.add_get("/m/t/{id}", pages.task)
    router.add_post("/m/t/{id}/act", actions.act)
    router.add_post("/m/t/{id}/reassign", actions.reassign)
    router.add_post("/m/t/{id}/reveal", pages.reveal_numbers)
    router.add_get("/m/login", identity.login_page)
    router.add_post("/m/login", identity.pick)
    router.add_get("/m/auth", identity.oauth_return)
    router.add_post("/m/logout", identity.logout)
    router.add_get("/m/photos/{photo}", _photo)  # photos kept before the media store (table `photo`)
    router.add_get("/media/{key}", _media)
    router.add_static("/m/static", HERE / "static", append_version=True)
    app.on_cleanup.append(_close_http)


async def _photo(request: web.Request) -> web.Response:
    """An older photo, to whoever is signed in here or in the console (anyone in demo mode)."""
    await _signed_in(request)
    return await photos.serve(request, request.app[MOBILE].services.engine)


async def _media(request: web.Request) -> web.Response:
    """A kept photo or voice message, to the same people."""
    await _signed_in(request)
    media = request.app[MOBILE].services.media
    if media is None:
        raise web.HTTPNotFound(text=media_files.GONE)
    return await media_files.serve(request, media)


async def _signed_in(request: web.Request) -> None:
    if not request.app[MOBILE].demo and not await identity.signed_in_anywhere(request):
        raise web.HTTPUnauthorized(text="请先登录")


async def _close_http(app: web.Application) -> None:
    if app[MOBILE].http is not None:
        await app[MOBILE].http.close()
