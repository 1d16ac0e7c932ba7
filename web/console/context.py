"""What every console handler needs: the services, the templates, the timezone and the page's content policy."""
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from core.services import Services
from web.console import labels

HERE = Path(__file__).resolve().parent


@dataclass
class Console:
    """The console's state, built once by setup()."""

    services: Services
    templates: Environment
    tz: ZoneInfo
    csp: str = ""

    def render(self, name: str, status: int = 200, **context) -> web.Response:
        """Render a template (HTML autoescaped) into a response."""
        html = self.templates.get_template(name).render(**context)
        return web.Response(text=html, status=status, content_type="text/html", charset="utf-8",
                            headers={"Cache-Control": "no-store", "X-Frame-Options": "DENY", "Content-Security-Policy": self.csp})


def build_console(services: Services) -> Console:
    """Templates with autoescape on, StrictUndefined so a typo fails a test instead of rendering blank."""
    tz = ZoneInfo(services.settings.timezone)
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(labels.filters(tz))
    from web.console.filters import area_choices
    env.globals.update(station=services.settings.station.name, demo=services.settings.demo.enabled,
                       area_names={k: v.strip() for k, v in area_choices(services.settings)}, viewer=None, nav="")
    return Console(services, env, tz, csp=content_policy(services.settings.wechat.media_hosts))


def content_policy(media_hosts: list[str]) -> str:
    """Everything from here; pictures also from WeChat's media hosts (web/media.py shows no others)."""
    hosts = " ".join(f"https://{h} http://{h}" for h in media_hosts)
    return f"default-src 'self'; img-src 'self' data: {hosts}; style-src 'self' 'unsafe-inline'"


CONSOLE = web.AppKey("console", Console)
