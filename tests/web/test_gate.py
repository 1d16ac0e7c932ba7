"""The HTTP server's bounds, on a real socket: connections in all and per address, and slow headers."""
import asyncio
import logging

import pytest
from aiohttp import web

from core.config import Server
from core.metrics import Metrics
from tests.helpers import free_port
from web.gate import ConnectionGate
from web.serving import RESERVED_FILES, gate_for, open_gated


@pytest.fixture
async def gated():
    async def hello(_request):
        return web.Response(text="ok")
    app = web.Application()
    app.router.add_get("/", hello)
    server = Server(port=free_port(), keepalive_timeout="1s")
    gate = ConnectionGate(total=3, per_address=2, metrics=Metrics())
    runner, listener = await open_gated(app, server, gate)
    opened = []

    async def connect(source: str):
        connection = await asyncio.open_connection("127.0.0.1", server.port, local_addr=(source, 0))
        opened.append(connection[1])
        return connection
    yield connect, gate
    for writer in opened:
        writer.close()
        await writer.wait_closed()
    listener.close()
    await runner.cleanup()


async def until(condition, seconds: float = 30) -> None:
    async with asyncio.timeout(seconds):
        while not condition():
            await asyncio.sleep(0.01)


async def ask(connection) -> bytes:
    reader, writer = connection
    writer.write(b"GET / HTTP/1.1\r\nHost: gw\r\n\r\n")
    return await asyncio.wait_for(reader.read(1024), 30)


async def test_connections_over_a_bound_get_503_at_once_and_are_closed(gated):
    connect, gate = gated
    first, second = await connect("127.0.0.1"), await connect("127.0.0.1")
    third = await connect("127.0.0.1")  # over the per-address bound (2)
    assert (await asyncio.wait_for(third[0].read(), 30)).startswith(b"HTTP/1.1 503")  # then EOF: closed
    other = await connect("127.0.0.2")  # another address still gets in
    assert (await ask(other)).startswith(b"HTTP/1.1 200")
    beyond = await connect("127.0.0.3")  # over the total (3)
    assert (await asyncio.wait_for(beyond[0].read(), 30)).startswith(b"HTTP/1.1 503")
    assert gate.metrics.connections_refused.labels("server.max_connections")._value.get() == 1
    first[1].close()
    await first[1].wait_closed()
    await until(lambda: gate.open < 3)  # the slot is free once the server has seen the close
    assert (await ask(await connect("127.0.0.3"))).startswith(b"HTTP/1.1 200")
    assert (await ask(second)).startswith(b"HTTP/1.1 200")


async def test_a_client_sending_its_headers_slowly_is_cut_off_by_the_keepalive_timeout(gated):
    connect, gate = gated
    reader, writer = await connect("127.0.0.1")
    writer.write(b"GET / HTTP/1.1\r\nHost: g")
    assert await asyncio.wait_for(reader.read(), 30) == b""  # closed, nothing answered
    await until(lambda: gate.open == 0)


def test_the_total_is_lowered_to_fit_the_open_file_limit(caplog):
    server = Server(max_connections=4096, max_connections_per_address=4096)
    with caplog.at_level(logging.WARNING):
        gate = gate_for(server, open_files=1024)
    assert (gate.total, gate.per_address) == (1024 - RESERVED_FILES, 1024 - RESERVED_FILES)
    assert "server.max_connections lowered" in caplog.text
    assert gate_for(Server(), open_files=1 << 20).total == 1024
