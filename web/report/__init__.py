"""The 随手拍 page at /r: residents report from a phone's browser, without logging in, into the same inbox.

run.py adds it with `web.report.setup` in route_setups (it needs services.bot to reach the inbox).
"""
from aiohttp import web

from core.services import Services
from web.console.context import CONSOLE
from web.report import follow, pages, posters
from web.report.site import HERE, SITE, build_site


def setup(app: web.Application, services: Services) -> None:
    """Add /r, its status pages, photos and local assets (no CDN)."""
    if not services.settings.report_page.enabled:
        return
    router = app.router
    static = router.add_static("/r/static", HERE / "static", append_version=True)
    app[SITE] = build_site(services, lambda name: str(static.url_for(filename=name)))
    router.add_get("/r", pages.form_page)
    router.add_post("/r", pages.submit)
    router.add_get("/r/t/{ref}", follow.status_page)
    router.add_post("/r/t/{ref}/feedback", follow.feedback)
    router.add_get("/r/photo/{key}", follow.photo)
    if CONSOLE in app:  # the posters are a console page: they need its login
        router.add_get("/console/posters", posters.posters)
