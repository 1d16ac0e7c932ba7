"""The HTTP shell: /healthz follows the store and the ticker; /metrics speaks Prometheus."""
import asyncio
import threading

from models.store import make_engine
from tests.helpers import make_services
from web.app import build_app


async def test_healthz_waits_for_the_first_ticker_cycle(aiohttp_client, settings, engine, clock):
    services = make_services(settings, engine, clock)
    client = await aiohttp_client(build_app(services))
    response = await client.get("/healthz")
    assert response.status == 503
    assert (await response.json())["ticker"] == "stalled"
    await services.ticker.cycle()
    response = await client.get("/healthz")
    assert response.status == 200
    assert await response.json() == {"status": "ok", "store": "ok", "ticker": "ok"}


async def test_healthz_is_503_when_the_store_is_down(aiohttp_client, settings, clock):
    dead = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    services = make_services(settings, dead, clock)
    await services.ticker.cycle()
    client = await aiohttp_client(build_app(services))
    response = await client.get("/healthz")
    assert response.status == 503
    assert (await response.json())["store"] == "down"
    dead.dispose()


async def test_a_failing_ticker_step_is_counted_and_the_others_still_run(aiohttp_client, settings, engine, clock):
    services = make_services(settings, engine, clock)
    ran = []

    def broken(now):
        raise RuntimeError("boom")

    services.ticker.add_step("broken", broken)
    services.ticker.add_step("fine", lambda now: ran.append(now) or 3)
    assert await services.ticker.cycle() == 3
    assert ran == [clock.now()]
    client = await aiohttp_client(build_app(services))
    body = await (await client.get("/metrics")).text()
    assert 'gw_tick_errors_total{step="broken"} 1.0' in body
    assert "gw_tick_seconds_count 1.0" in body


async def test_a_step_stuck_in_its_own_lane_does_not_hold_up_the_main_lane(settings, engine, clock):
    services = make_services(settings, engine, clock)
    ticker, released = services.ticker, asyncio.Event()

    async def waiting_on_wechat(now):
        await released.wait()
        return 1

    ticker.add_step("deadlines", lambda now: 2)
    ticker.add_step("outbox", waiting_on_wechat, lane="outbox")
    stuck = asyncio.ensure_future(ticker.cycle("outbox"))
    assert await ticker.cycle() == 2 and ticker.alive()  # the main lane ran, and /healthz follows it
    assert not stuck.done()
    released.set()
    assert await stuck == 1
    assert [name for name, _ in ticker.steps] == ["deadlines", "outbox"]


async def test_the_ticker_runs_on_its_own_threads_while_the_default_ones_are_all_taken(settings, engine, clock):
    services = make_services(settings, engine, clock)
    loop, release, ran_on = asyncio.get_running_loop(), threading.Event(), []
    services.ticker.add_step("deadlines", lambda now: ran_on.append(threading.current_thread().name) or 1)
    taken = [loop.run_in_executor(None, release.wait, 30) for _ in range(64)]  # more than the default pool has
    try:
        assert await asyncio.wait_for(services.ticker.cycle(), 20) == 1 and services.ticker.alive()
    finally:
        release.set()
        await asyncio.gather(*taken)
    assert ran_on[0].startswith("tick-main")
    services.ticker.close()
