"""Build the aiohttp application from the service's parts."""
import asyncio
import logging

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from core.services import Services
from models.store import ping
from web.forwarded import PROXIES, Proxies

log = logging.getLogger(__name__)
SERVICES = web.AppKey("services", Services)


def build_app(services: Services, route_setups=()) -> web.Application:
    """The application: /healthz, /metrics, then each package's routes (`setup(app, services)`)."""
    app = web.Application(client_max_size=64 * 1024)
    app[SERVICES] = services
    app[PROXIES] = Proxies(services.settings.server.trusted_proxies)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    for setup in route_setups:
        setup(app, services)
    return app


async def healthz(request: web.Request) -> web.Response:
    """200 when the store answers and the ticker is cycling, 503 otherwise."""
    services = request.app[SERVICES]
    store_ok = await asyncio.to_thread(ping, services.reader)
    ticker_ok = services.ticker.alive()
    status = 200 if store_ok and ticker_ok else 503
    body = {"status": "ok" if status == 200 else "unavailable",
            "store": "ok" if store_ok else "down", "ticker": "ok" if ticker_ok else "stalled"}
    return web.json_response(body, status=status)


async def metrics(request: web.Request) -> web.Response:
    """Prometheus text format: every process's figures when there are several (core/metrics.py)."""
    registry = request.app[SERVICES].metrics.scraped()
    response = web.Response(body=generate_latest(registry))
    response.content_type = CONTENT_TYPE_LATEST.split(";")[0]
    return response
