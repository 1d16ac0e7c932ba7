"""PostgreSQL stops for 60 s under traffic: the service stays up, says so, lets WeChat retry, loses nothing.

The service runs as a child process on a private PostgreSQL schema, reached through a proxy
that the test switches off (tests/reliability/outage.py), so the server itself keeps running
for everyone else. While it is off, callbacks must be answered with a non-200 at once (WeChat
then retries the same message) and /healthz must say 503; afterwards every message is stored
once and the deadlines that fell due in the dark fire once.
"""
import asyncio
import time

import aiohttp

from tests.conftest import PG_URL, pg_admin, private_schema
from tests.helpers import free_port, health_status
from tests.reliability.crash_run import post, traffic, wait_settled
from tests.reliability.invariants import check, identity, read_store
from tests.reliability.outage import Outage
from tests.reliability.service import Service, fake, write_config  # noqa: F401 - fixture

OUTAGE_S = 60


async def test_it_rides_out_sixty_seconds_without_its_database(tmp_path, fake):
    outage = Outage()
    await outage.up()
    admin = pg_admin()
    with private_schema(admin, PG_URL.replace(":5432/", f":{outage.port}/")) as url:
        service = Service(write_config(tmp_path, url, str(fake.server.make_url("/"))), free_port(),
                          tmp_path / "service.log")
        await asyncio.to_thread(service.start)
        t = traffic(seed=60)
        before, during = t.messages[:4], t.messages[4:]
        async with aiohttp.ClientSession() as http:
            assert [await post(http, service.base, t, m) for m in before] == [200] * 4
            await outage.down()
            statuses, health, slowest, started = [], set(), 0.0, time.monotonic()
            while time.monotonic() - started < OUTAGE_S:
                for m in during:
                    sent = time.monotonic()
                    statuses.append(await post(http, service.base, t, m))
                    slowest = max(slowest, time.monotonic() - sent)
                health.add(await asyncio.to_thread(health_status, service.base, 5))
                await asyncio.sleep(1)
            assert service.alive()
            await outage.up()
            for m in during:  # WeChat's next retry of each message it got no 200 for
                for _ in range(20):
                    if await post(http, service.base, t, m) == 200:
                        break
                    await asyncio.sleep(0.5)
            assert await wait_settled(url, timeout=90)
        await asyncio.to_thread(service.stop)
        store = await asyncio.to_thread(read_store, url)  # through the proxy, which runs on this loop
        await outage.down()
    admin.dispose()
    assert set(statuses) == {503} and len(statuses) > 100
    assert slowest < 5.0  # a refused connection is answered inside WeChat's 5 s, however busy the machine
    assert health == {503}
    assert check(store, t, [identity(s) for s in fake.sent]) == []
    early = {r.ticket_id for r in store.inbox.values() if r.msg_key in {m.key for m in before} and r.ticket_id}
    fired = {(e.ticket_id, e.level) for e in store.escalations if e.kind == "accept"}
    assert {(ticket, level) for ticket in early for level in (0, 1)} <= fired  # due in the dark, fired after
