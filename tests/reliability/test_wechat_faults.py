"""WeChat's API slow (10 s+), failing (5xx, -1, 45009), expiring tokens (42001) and refusing a user (81013).

The real service runs as a child process against the fake WeChat on loopback. Callbacks must
still be answered within a second, deadlines must still fire on time (delivery has a lane of
its own), every message must get through once WeChat recovers (retried with backoff, never
shown twice thanks to WeCom's duplicate check), and the one permanent refusal must be given up
and reported to a supervisor.
"""
import asyncio
import time
from datetime import timedelta

import aiohttp

from core.clock import utc
from tests.helpers import free_port
from tests.reliability.crash_run import post, traffic, wait_settled
from tests.reliability.invariants import check, check_cards, identity, read_store
from tests.reliability.service import Service, fake, write_config  # noqa: F401 - fixture

SLOW_S = 12  # longer than the service's 10 s HTTP timeout
FAULTS = (("delay", SLOW_S), ("delay", SLOW_S), ("delay", SLOW_S), "http500", -1, 45009, 81013)
TRANSIENT = FAULTS[:-1]


async def test_it_keeps_answering_and_delivers_everything_through_a_bad_api(tmp_path, fake):
    fake.fail_next(*FAULTS)
    url = f"sqlite:///{tmp_path / 'gw.db'}"
    service = Service(write_config(tmp_path, url, str(fake.server.make_url("/"))), free_port(), tmp_path / "service.log")
    await asyncio.to_thread(service.start)
    t = traffic(seed=45)
    latencies = []
    async with aiohttp.ClientSession() as http:
        for i, m in enumerate(t.messages):
            started = time.monotonic()
            assert await post(http, service.base, t, m) == 200
            latencies.append(time.monotonic() - started)
            if i == 5:
                fake.expire_tokens()  # the next app call gets 42001: refresh and retry once
            await asyncio.sleep(0.3)
        assert await wait_settled(url, timeout=90)
    await asyncio.to_thread(service.stop)
    store = read_store(url)

    # WeChat's own limit: a callback held up by the 12 s sends would take at least the 10 s timeout.
    assert max(latencies) < 5.0
    dispatched = {x.id: utc(x.dispatched_at) for x in store.tickets}
    first_rungs = [utc(e.fired_at) - dispatched[e.ticket_id] for e in store.escalations if e.level == 0]
    assert first_rungs and max(first_rungs) < timedelta(seconds=2 + 5)  # due at 2 s, while sends hung
    refused = [r for r in store.outbox if r.status == "failed"]
    assert len(refused) == 1 and "81013" in refused[0].last_error
    alerts = [r for r in store.outbox if r.idem_key.startswith(f"alert:{refused[0].idem_key}")]
    assert alerts and {a.status for a in alerts} == {"sent"}  # a supervisor hears of it
    assert check(store, t, [identity(s) for s in fake.sent], may_fail=lambda r: "81013" in (r.last_error or "")) == []
    assert check_cards(store, fake.sent, fake.card_updates) == []  # a resent card went with a task_id of its own
    # Which request got which fault depends on timing (a row may meet -1 and then 81013); what must
    # hold is that every fault was served and every message met by a transient one was asked again.
    assert tuple(outcome for outcome, _ in fake.faulted) == FAULTS
    def same(a, b) -> bool:  # the same message to the same person (a daily report goes to several alike)
        return (a.api, a.to, identity(a)) == (b.api, b.to, identity(b))

    for n, (outcome, request) in enumerate(fake.faulted[:len(TRANSIENT)]):
        again = [r for r in fake.requests_after(n) if same(r, request)]
        assert again, f"the message that got {outcome} was never tried again: {identity(request)[:60]}"
    refused_request = fake.faulted[-1][1]
    assert not [r for r in fake.requests_after(len(FAULTS) - 1) if same(r, refused_request)]  # 81013 is final
