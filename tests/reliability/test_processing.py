"""`server.processing: separate`: two serving processes store and acknowledge, one more process answers.

A first burst comes while the processing process is stopped (SIGSTOP): every callback runs out of its
budget and answers "success", and the answers go out through the outbox once it runs again. A second
burst comes while it runs: the callbacks carry the answers. Either way each message is answered once
(passively or through the outbox, never both), each report dispatched once; the processing process
killed is replaced.
"""
import asyncio
import os
import signal

import aiohttp

import run
from tests.conftest import pg_admin, private_schema
from tests.helpers import free_port, listens
from tests.reliability.crash_run import CHATTER, REPORTS, Message, Traffic, post, wait_settled
from tests.reliability.invariants import check, identity, read_store
from tests.reliability.service import Service, fake, write_config  # noqa: F401 - fixture
from tests.reliability.test_workers import _wait_for


def _burst(first: int, reports_of: slice, residents: int) -> list[Message]:
    """Reports (each its own matter: the same one twice would be one ticket) and chatter."""
    reports = [Message(first + i, f"oSplit{first}r{i:02d}", text) for i, text in enumerate(REPORTS[reports_of])]
    return reports + [Message(first + 100 + i, f"oSplit{first}c{i:02d}", CHATTER[i % 2]) for i in range(residents)]


def _answered_once(store, t: Traffic) -> list[str]:
    """Each message with an answer got it once: carried by its callback or sent through the outbox."""
    late = {r.idem_key for r in store.outbox}
    problems = []
    for m in t.messages:
        passive = [r for r in t.replies.get(m.msg_id, []) if r and r != "success"]
        answers = len(passive) + (f"reply:{m.key}" in late)
        if store.inbox[m.key].reply and answers != 1:
            problems.append(f"{m.key}: answered {answers} times")
    return problems


async def _send(service: Service, t: Traffic, messages: list[Message]) -> list[int | None]:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True)) as http:
        return await asyncio.gather(*(post(http, service.base, t, m) for m in messages))


async def test_separate_processing_answers_and_dispatches_each_message_once(tmp_path, fake):
    half = len(REPORTS) // 2
    late, quick = _burst(8000, slice(None, half), 20), _burst(9000, slice(half, None), 40)
    t = Traffic(late + quick)
    admin = pg_admin()
    with private_schema(admin) as url:
        config = write_config(tmp_path, url, str(fake.server.make_url("/")), server={"processing": "separate"})
        service = Service(config, free_port(), tmp_path / "serve.log", args=("--workers", "2"), listeners=2)
        await asyncio.to_thread(service.start)
        try:
            await _bursts_and_a_death(service, url, t, late, quick)
        finally:
            assert await asyncio.to_thread(service.stop) == 0
        store = read_store(url)
    admin.dispose()
    problems = check(store, t, [identity(s) for s in fake.sent]) + _answered_once(store, t)
    assert not problems, problems
    assert {m.msg_id for m in t.messages} == t.acked


async def _bursts_and_a_death(service: Service, url: str, t: Traffic, late: list[Message], quick: list[Message]):
    assert await _wait_for(lambda: len(service.children()) == 3)
    processor = next(pid for pid in service.children() if not listens(pid, service.port))
    os.kill(processor, signal.SIGSTOP)
    try:
        assert await _send(service, t, late) == [200] * len(late)
    finally:
        os.kill(processor, signal.SIGCONT)
    assert not any(r != "success" for m in late for r in t.replies[m.msg_id])  # nobody answered in time
    assert await wait_settled(url, timeout=60)  # caught up: callbacks wait for answers again
    for wave in range(0, len(quick), 8):  # a few at a time: a burst past awaiting.BEHIND is not waited for
        assert await _send(service, t, quick[wave:wave + 8]) == [200] * len(quick[wave:wave + 8])
    assert await wait_settled(url, timeout=60)
    carried = [m for m in quick if any(r != "success" for r in t.replies[m.msg_id])]
    assert len(carried) > len(quick) // 2, len(carried)  # processing is quick: most answers ride the callback

    os.kill(processor, signal.SIGKILL)  # the processing process dies; the parent starts another
    assert await _wait_for(lambda: len(service.children()) == 3 and processor not in service.children())
    assert await _wait_for(service.healthy)


def test_sqlite_is_refused_separate_processing(tmp_path, capsys):
    config = write_config(tmp_path, f"sqlite:///{tmp_path}/gw.db", "http://127.0.0.1:9/",
                          server={"processing": "separate"})
    assert run.main(["serve", "--config", str(config)]) == 2  # before anything is loaded or forked
    assert "server.processing: separate needs PostgreSQL" in capsys.readouterr().err
