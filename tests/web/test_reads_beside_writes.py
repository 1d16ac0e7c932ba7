"""Console pages, the API and /healthz read beside a write in progress: on SQLite they do not queue for its lock."""
import asyncio

import aiohttp
from sqlalchemy import text

from tests.helpers import make_services
from tests.web.conftest import hazard, login
from web import api, console
from web.app import build_app

PATIENCE = aiohttp.ClientTimeout(total=10)  # a queued read would wait out SQLite's 30 s busy timeout


async def test_reads_are_answered_while_a_write_transaction_is_held(aiohttp_client, settings, engine, clock, world):
    configured = settings.model_copy(update={"api": settings.api.model_copy(update={"tokens": ["t0ken"]})})
    services = make_services(configured, engine, clock)
    services.dispatcher = world.dispatcher
    await services.ticker.cycle()  # the ticker is alive
    receipt = hazard(world)
    client = await aiohttp_client(build_app(services, [api.setup, console.setup]))
    await login(client, "sz_chen")
    with engine.connect() as writer:  # a long write: on SQLite it holds the database's write lock
        writer.execute(text("UPDATE ticket SET place = 'held' WHERE id = :id"), {"id": receipt.ticket_id})
        pages = [client.get("/healthz", timeout=PATIENCE),
                 client.get("/api/tickets", headers={"Authorization": "Bearer t0ken"}, timeout=PATIENCE),
                 client.get(f"/console/tickets/{receipt.ticket_id}", timeout=PATIENCE),
                 client.get("/console/board", timeout=PATIENCE),
                 client.get("/console/stats", timeout=PATIENCE)]
        answers = await asyncio.gather(*pages)
        assert [a.status for a in answers] == [200] * 5
        listed = await answers[1].json()
        assert listed["tickets"][0]["place"] == "桂花苑3栋"  # the committed state, not the write in progress
        writer.rollback()
