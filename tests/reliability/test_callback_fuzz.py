"""100,000 malformed callbacks in-process and 5,000 over HTTP: each refused as it must be, quickly, nothing stored.

Which is which:
- `test_it_refuses_every_malformed_body_in_process` hands each body to the route handler the app
  resolved for its path (tests/reliability/driver.py): the guarded wrapper, read_body,
  check_query, the signature and AES checks (bot/inbound/crypto.py, bot/inbound/robot.py), parse_xml and
  check_fields, as a mocked request. Only aiohttp's HTTP parser, stream reader and socket are skipped.
- `test_it_refuses_malformed_bodies_over_http` sends a few thousand through aiohttp's test server.
Both cover /wechat/mp (safe mode, and plain mode on an app without the AES key), /wechat/work and /wechat/robot, with bodies from
tests/reliability/bodies.py and robot_bodies.py; each body names the status it must get (a wrong
one fails the run, so a harness that merely broke every signature would be caught). `make soak`
runs a million in-process. The guard's own properties are in tests/bot/test_fuzz.py.
"""
import asyncio
import logging
import random
import shutil
from collections import Counter

import pytest
from sqlalchemy import func
from sqlmodel import select

from models import InboxMessage, Ticket
from models.store import make_engine, session
from tests.bot.conftest import bot_ctx, build_client, client, plain_mp, wechat_settings  # noqa: F401 - fixtures
from tests.reliability.bodies import good_xml_cases, xml_case
from tests.reliability.driver import Driver
from tests.reliability.robot_bodies import good_robot_case, robot_case

CASES = 100_000
HTTP_CASES = 5_000
# WeChat's patience: a body that holds an answer up this long fails the test (asyncio.timeout).
# How fast answers are on a quiet machine is measured in bench/, not asserted here.
HANG_S = 5.0


@pytest.fixture
def engine(tmp_path, sqlite_template):
    """SQLite only: nothing may reach the store, and the run is about the callback edge."""
    path = tmp_path / "fuzz.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture
async def plain_client(aiohttp_client, bot_ctx):
    """The Official Account in plain mode (no AES key): where plain-mode bodies go, as a channel with a key
    refuses them all (403) whatever they hold."""
    return await build_client(aiohttp_client, plain_mp(bot_ctx))


def plain(case) -> bool:
    return case.kind.startswith("plain")


def malformed(seed: int, ts: int, count: int):
    """`count` refused callbacks, a quarter of them to the robot."""
    rng = random.Random(seed)
    for _ in range(count):
        yield robot_case(rng, ts) if rng.random() < 0.25 else xml_case(rng, ts)


def stored(engine) -> tuple[int, int]:
    with session(engine) as db:
        return (db.exec(select(func.count()).select_from(InboxMessage)).one(),
                db.exec(select(func.count()).select_from(Ticket)).one())


class Tally:
    """Wrong answers by kind of body, and how many of each kind were sent."""

    def __init__(self):
        self.wrong, self.kinds = Counter(), Counter()

    def record(self, case, status: int) -> None:
        self.kinds[case.kind.split(":")[0]] += 1
        if status != case.status:
            self.wrong[(case.kind, case.status, status)] += 1


@pytest.mark.parametrize("count", [CASES, pytest.param(1_000_000, marks=pytest.mark.soak)])
async def test_it_refuses_every_malformed_body_in_process(client, plain_client, clock, engine, caplog, count):
    caplog.set_level(logging.ERROR)  # refusals are warnings; an error means a body surprised a handler
    ts, tally = int(clock.now().timestamp()), Tally()
    safe_driver, plain_driver = Driver(client.app), Driver(plain_client.app)
    for case in malformed(2026, ts, count):
        async with asyncio.timeout(HANG_S):
            response = await (plain_driver if plain(case) else safe_driver).call(case)
        tally.record(case, response.status)
    assert not tally.wrong, "\n".join(map(str, tally.wrong.most_common()))
    assert not caplog.records, caplog.records[:3]
    assert sum(tally.kinds.values()) == count and set(tally.kinds) == {"plain", "safe", "work", "robot"}
    assert stored(engine) == (0, 0)
    rng = random.Random(7)  # the same driver stores a good message on every path
    for case in [*good_xml_cases(rng, ts), good_robot_case(rng, ts)]:
        assert (await (plain_driver if plain(case) else safe_driver).call(case)).status == 200, case.kind
    assert stored(engine) == (4, 0)


async def test_it_refuses_malformed_bodies_over_http(client, plain_client, clock, engine, caplog):
    caplog.set_level(logging.ERROR)
    ts, tally = int(clock.now().timestamp()), Tally()
    for case in malformed(2027, ts, HTTP_CASES):
        async with asyncio.timeout(HANG_S):
            response = await (plain_client if plain(case) else client).post(case.path, params=case.query,
                                                                            data=case.body)
            await response.read()
        tally.record(case, response.status)
    assert not tally.wrong, "\n".join(map(str, tally.wrong.most_common()))
    assert not caplog.records, caplog.records[:3]
    assert stored(engine) == (0, 0)
