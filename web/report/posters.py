"""GET /console/posters: a printable 扫码报事 poster per grid and per village, each QR code opening /r there."""
from urllib.parse import urlencode

import segno
from aiohttp import web
from markupsafe import Markup

from web.console import auth
from web.report.site import SITE


def poster_targets(settings) -> list[dict]:
    """Every village, then every grid: (kind, id, name, query) in config order."""
    targets = []
    for village in settings.villages:
        targets.append({"kind": "村/社区", "id": village.id, "name": village.name, "query": {"v": village.id},
                        "village": ""})
        targets += [{"kind": "网格", "id": g.id, "name": g.name, "query": {"g": g.id}, "village": village.name}
                    for g in village.grids]
    return targets


def qr_svg(url: str) -> Markup:
    """The QR code as inline SVG (segno's own markup: no user text in it), sized by CSS."""
    return Markup(segno.make(url, error="m").svg_inline(scale=10, border=2, omitsize=True))


async def posters(request: web.Request) -> web.Response:
    """All posters, or one with ?area=<grid or village id>; print from the browser."""
    await auth.current(request)
    site = request.app[SITE]
    settings = site.services.settings
    base = settings.server.public_url or f"{request.scheme}://{request.host}"
    wanted = request.query.get("area", "")
    chosen = [t for t in poster_targets(settings) if not wanted or t["id"] == wanted]
    if not chosen:
        raise web.HTTPNotFound(text="没有这个网格或村/社区")
    for target in chosen:
        target["url"] = f"{base}/r?{urlencode(target['query'])}"
        target["qr"] = qr_svg(target["url"])
    return site.render("posters.html", posters=chosen, public_url=settings.server.public_url, base=base)
