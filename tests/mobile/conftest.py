"""/m on the test store: the demo's member picker or WeCom's sign-in against the fake WeChat."""
import re

import pytest

from duties.visits import visit_command
from tests.dispatch.conftest import World
from tests.helpers import make_services, with_demo
from web import mobile
from web.app import build_app
from web.mobile.session import PRE_COOKIE

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40  # the signature is what /m checks


@pytest.fixture
def world(settings, engine, clock):
    world = World(settings, engine, clock)
    world.dispatcher.on_member_text(visit_command(world.dispatcher, engine, clock))  # as run.py wires it
    return world


def app_for(settings, engine, clock, world):
    """The /m app around the scenario's dispatcher."""
    services = make_services(settings, engine, clock)
    services.dispatcher = world.dispatcher
    return build_app(services, [mobile.setup])


@pytest.fixture
async def client(aiohttp_client, settings, engine, clock, world):
    """/m in demo mode: the member picker signs people in (tests/mobile/test_sign_in.py: WeCom's sign-in)."""
    return await aiohttp_client(app_for(with_demo(settings), engine, clock, world))


async def pick(client, member: str):
    """Sign in through the demo's picker as `member`."""
    page = await client.get("/m/login")
    token = client.session.cookie_jar.filter_cookies(page.url)[PRE_COOKIE].value
    return await client.post("/m/login", data={"csrf": token, "member": member, "next": "/m"})


async def form_token(client, path: str = "/m") -> str:
    """The form token on a /m page."""
    html = await (await client.get(path)).text()
    return re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1)


def hazard(world, who="王阿姨", text="桂花苑3栋楼道有人给电瓶车充电", grid="gh-1", **triage):
    """A non-police report in a grid, dispatched to one of its workers."""
    triage = {"category": "safety_hazard", "kind": "non_police", "urgency": "urgent", "location": "桂花苑3栋",
              "grid_id": grid} | triage
    return world.report(who, text, **triage)
