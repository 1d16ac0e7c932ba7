"""The service as run.py wires it: every page and API route refuses a caller without credentials."""
import re

import pytest

import run
from tests.helpers import TEST_PRIVACY
from web.app import build_app

OPEN = {"/healthz", "/metrics", "/console/login"}  # meant to be reachable without a login
SAMPLE = {"id": "1", "fmt": "csv"}


@pytest.fixture
async def wired(aiohttp_client, settings, engine, clock):
    services = run.build_services(settings, clock=clock, engine=engine, privacy=TEST_PRIVACY)
    app = build_app(services, run.route_setups(services))
    return services, app, await aiohttp_client(app)


def _private_routes(app):
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter") or info.get("prefix", "")
        if not path.startswith(("/console", "/api")) or path in OPEN or path.startswith("/console/static"):
            continue
        concrete = re.sub(r"\{(\w+)(?::[^}]*)?\}", lambda m: SAMPLE.get(m.group(1), "1"), path)
        yield route.method, concrete


async def test_every_console_and_api_route_needs_credentials(wired):
    _, app, client = wired
    checked = []
    for method, path in _private_routes(app):
        if method == "HEAD":
            continue
        response = await client.request(method, path, allow_redirects=False)
        if response.status == 302:
            assert response.headers["Location"].startswith("/console/login"), (method, path)
        else:
            assert response.status == 401, (method, path, response.status)
        checked.append(path)
    assert {"/console/board", "/console/ledger.csv", "/console/tickets/1/action", "/api/tickets",
            "/api/tickets/1"} <= set(checked)


async def test_run_py_adds_the_console_and_the_duties_that_send_the_monthly_ranking(wired):
    services, _, client = wired
    assert "duties" in [name for name, _ in services.ticker.steps]
    page = await client.get("/console/login")
    assert page.status == 200 and "登录" in await page.text()


def test_the_bot_seals_with_the_services_key(settings, engine, clock):
    services = run.build_services(settings, clock=clock, engine=engine)
    assert services.bot.privacy is services.privacy  # what the bot seals, the console and /m can open
    with pytest.raises(RuntimeError, match="privacy.key_file"):  # no key until serve() opens the store's
        services.privacy.seal("13812345678")


def test_run_py_builds_one_media_store_for_the_pages_the_bot_and_the_retention_sweep(settings, engine, clock):
    from media.folder import FolderStore
    services = run.build_services(settings, clock=clock, engine=engine, privacy=TEST_PRIVACY)
    assert services.bot.media is services.media and isinstance(services.media.store, FolderStore)
    assert services.media.store.root == settings.media.folder
    assert ("media_retention", "retention") in [(name, lane) for lane, steps in services.ticker.lanes.items()
                                                 for name, _ in steps]
