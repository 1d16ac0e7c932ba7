"""What every /m handler needs: the services, the templates, the timezone and the directory."""
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from core.directory import Directory
from core.services import Services
from web.console import labels

HERE = Path(__file__).resolve().parent
# Pages only from here; photos shown may be blob: previews before upload; forms post only here.
CSP = ("default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'")


@dataclass
class Mobile:
    """The phone pages' state, built once by setup()."""

    services: Services
    templates: Environment
    tz: ZoneInfo
    directory: Directory  # who leads, works and may take over each grid (config)
    http: object = None  # aiohttp.ClientSession for WeCom, opened on first use, closed with the app

    @property
    def demo(self) -> bool:
        """Demo mode: a member picker instead of WeCom's sign-in."""
        return self.services.settings.demo.enabled

    def render(self, name: str, status: int = 200, **context) -> web.Response:
        """Render a template (HTML autoescaped) into a response that no one caches or frames."""
        html = self.templates.get_template(name).render(**context)
        return web.Response(text=html, status=status, content_type="text/html", charset="utf-8",
                            headers={"Cache-Control": "no-store", "X-Frame-Options": "DENY",
                                     "Referrer-Policy": "same-origin", "Content-Security-Policy": CSP})


def build_mobile(services: Services) -> Mobile:
    """Templates with autoescape on and StrictUndefined, the console's Chinese labels as filters."""
    tz = ZoneInfo(services.settings.timezone)
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(labels.filters(tz))
    env.globals.update(station=services.settings.station.name, demo=services.settings.demo.enabled, person=None,
                       tab=None, flash="", flash_ok=False)
    return Mobile(services, env, tz, Directory(services.settings))


MOBILE = web.AppKey("mobile", Mobile)
