"""WeChat's retries land on different instances: the same message 4 times across 2 processes is 1 report.

Two real service processes share one PostgreSQL schema behind no load balancer but the test,
which sends the 4 copies of each message at the same moment, alternating between them.
"""
import asyncio
import re

import aiohttp

from tests.conftest import pg_admin, private_schema
from tests.helpers import free_port
from tests.reliability.crash_run import REPORTS, post, traffic, wait_settled
from tests.reliability.invariants import read_store
from tests.reliability.service import Service, fake, write_config  # noqa: F401 - fixture


async def test_four_copies_across_two_instances_make_one_report(tmp_path, fake):
    admin = pg_admin()
    with private_schema(admin) as url:
        config = write_config(tmp_path, url, str(fake.server.make_url("/")))
        first = Service(config, free_port(), tmp_path / "one.log")
        await asyncio.to_thread(first.start)  # migrates the schema; the second finds it ready
        second = await asyncio.to_thread(Service(config, free_port(), tmp_path / "two.log").start)
        t = traffic(seed=4)
        async with aiohttp.ClientSession() as http:
            for m in t.messages:
                copies = [post(http, s.base, t, m) for s in (first, second, first, second)]
                assert await asyncio.gather(*copies) == [200] * 4
            assert await wait_settled(url)
        await asyncio.gather(asyncio.to_thread(first.stop), asyncio.to_thread(second.stop))
        store = read_store(url)
    admin.dispose()
    assert len(store.inbox) == len(t.messages)
    reported = [x for x in store.tickets if x.category != "duty"]
    assert len(reported) == len(REPORTS) == len({r.inbox_id for r in store.reporters})
    for m in t.messages:  # every copy answered alike: one ticket number, or "success" and the number later
        numbers = {n for reply in t.replies[m.msg_id] for n in re.findall(r"GW-\d{8}-\d{4}", reply)}
        numbers |= {n for text in fake.to(m.sender) for n in re.findall(r"GW-\d{8}-\d{4}", text)}
        assert len(numbers) == (1 if m.text in REPORTS else 0), (m.text, t.replies[m.msg_id])
