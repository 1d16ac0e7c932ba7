"""The console on the test store: a dispatcher, members with passwords, a logged-in client."""
import re

import pytest
from sqlalchemy import update

from models import Member
from models.store import session
from tests.dispatch.conftest import World
from tests.helpers import make_services
from web import console
from web.app import build_app
from web.console.passwords import hash_password

PASSWORD = "correct horse"
_HASH = hash_password(PASSWORD)


@pytest.fixture
def world(settings, engine, clock):
    with session(engine) as db:  # every member, every time: on PostgreSQL the member table outlives a test
        db.exec(update(Member).values(password_hash=_HASH))
        db.commit()
    return World(settings, engine, clock)


@pytest.fixture
def services(settings, engine, clock, world):
    services = make_services(settings, engine, clock)
    services.dispatcher = world.dispatcher
    return services


@pytest.fixture
async def client(aiohttp_client, services):
    return await aiohttp_client(build_app(services, [console.setup]))


async def login(client, member: str, password: str = PASSWORD, **headers):
    """Open the login form and log in as `member` with its token; returns the login response (not followed).
    Keyword arguments are headers (X_Forwarded_For=... sends X-Forwarded-For)."""
    headers = {name.replace("_", "-"): value for name, value in headers.items()}
    return await client.post("/console/login", data={"member": member, "password": password, "next": "/console/board",
                                                     "csrf": await login_token(client, **headers)},
                             allow_redirects=False, headers=headers)


async def login_token(client, **headers) -> str:
    """The login form's token (its twin is the cookie the form's page sets)."""
    html = await (await client.get("/console/login", headers=headers)).text()
    return re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1)


async def csrf(client, ticket_id: int) -> str:
    """The form token on a ticket page."""
    html = await (await client.get(f"/console/tickets/{ticket_id}")).text()
    return re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1)


def hazard(world, who="王阿姨", text="桂花苑3栋楼道有人给电瓶车充电", grid="gh-1", **triage):
    """A safety-hazard report in a grid."""
    triage = {"category": "safety_hazard", "kind": "non_police", "location": "桂花苑3栋", "grid_id": grid} | triage
    return world.report(who, text, **triage)
