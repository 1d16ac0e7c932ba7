"""What every console handler needs: the services, the templates, the timezone and the session secret."""
import threading
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from core.services import Services
from models.secrets import shared_key
from web.console import labels

HERE = Path(__file__).resolve().parent
SECRET_KEY = "console:session_secret"


@dataclass
class Console:
    """The console's state, built once by setup()."""

    services: Services
    templates: Environment
    tz: ZoneInfo
    _secret: bytes | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def secret(self) -> bytes:
        """The key that signs session cookies: one per database, so every instance accepts the others' cookies."""
        if self._secret is None:
            with self._lock:
                self._secret = shared_key(self.services.engine, SECRET_KEY)
        return self._secret

    def render(self, name: str, status: int = 200, **context) -> web.Response:
        """Render a template (HTML autoescaped) into a response."""
        html = self.templates.get_template(name).render(**context)
        return web.Response(text=html, status=status, content_type="text/html", charset="utf-8",
                            headers={"Cache-Control": "no-store", "X-Frame-Options": "DENY",
                                     "Content-Security-Policy": "default-src 'self'; img-src 'self' data: https:;"
                                                                " style-src 'self' 'unsafe-inline'"})


def build_console(services: Services) -> Console:
    """Templates with autoescape on, StrictUndefined so a typo fails a test instead of rendering blank."""
    tz = ZoneInfo(services.settings.timezone)
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(labels.filters(tz))
    from web.console.filters import area_choices
    env.globals.update(station=services.settings.station.name, demo=services.settings.demo.enabled,
                       area_names={k: v.strip() for k, v in area_choices(services.settings)}, viewer=None, nav="")
    return Console(services, env, tz)


CONSOLE = web.AppKey("console", Console)
