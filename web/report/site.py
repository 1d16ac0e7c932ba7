"""What the /r handlers share: the service's parts, the templates, the signing key, the page's headers."""
import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from core.services import Services
from web.report.keys import load_secret

HERE = Path(__file__).resolve().parent
# Everything is served from here; the page may be framed only by this site (the demo's phone frame).
HEADERS = {"Cache-Control": "no-store", "X-Frame-Options": "SAMEORIGIN", "Referrer-Policy": "no-referrer",
           "X-Content-Type-Options": "nosniff",
           "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; frame-ancestors 'self'"}


@dataclass
class ReportSite:
    """Built once by setup()."""

    services: Services
    bot: object  # bot.context.BotContext: the page's messages go through the same inbox
    templates: Environment
    tz: ZoneInfo
    _secret: bytes | None = field(default=None, repr=False)

    async def secret(self) -> bytes:
        """The signing key, read from the store once."""
        if self._secret is None:
            self._secret = await asyncio.to_thread(load_secret, self.services.engine)
        return self._secret

    def render(self, name: str, status: int = 200, **context) -> web.Response:
        """A page, HTML autoescaped."""
        html = self.templates.get_template(name).render(**context)
        return web.Response(text=html, status=status, content_type="text/html", charset="utf-8", headers=HEADERS)

    def message(self, title: str, text: str, status: int) -> web.Response:
        """A short page that says what happened and what to do."""
        return self.render("message.html", status=status, title=title, text=text)


def build_site(services: Services, static_url) -> ReportSite:
    """Templates with autoescape and StrictUndefined; `static_url(name)` gives a versioned asset URL."""
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(static=static_url, station=services.settings.station.name)
    return ReportSite(services, services.bot, env, ZoneInfo(services.settings.timezone))


SITE = web.AppKey("report_site", ReportSite)
