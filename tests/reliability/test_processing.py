"""`server.processing: separate`: serving processes store and acknowledge, one more process answers; on
PostgreSQL two serving processes, on a SQLite file one (more are refused: one writer).

A first burst comes while the processing process is stopped (SIGSTOP): every callback runs out of its
budget and answers "success", and the answers go out through the outbox once it runs again. A second
burst comes while it runs: the callbacks carry the answers. Either way each message is answered once
(passively or through the outbox, never both), each report dispatched once; the processing process
killed is replaced. Killed in the middle of a burst, the one started instead takes up what it held: nothing
is lost, nothing answered twice.
"""
import asyncio
import os
import signal
import sqlite3
import time
from contextlib import contextmanager

import aiohttp
import pytest
from sqlmodel import select

import run
from models import InboxMessage
from models.store import make_engine, make_reader, session
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


@contextmanager
def _store(kind: str, tmp_path):
    """The store's URL and how many serving processes it takes."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path}/gw.db", 1
        return
    admin = pg_admin()
    with private_schema(admin) as url:
        yield url, 2
    admin.dispose()


def _service(tmp_path, url: str, serving: int, fake) -> Service:
    config = write_config(tmp_path, url, str(fake.server.make_url("/")), server={"processing": "separate"})
    return Service(config, free_port(), tmp_path / "serve.log", args=("--workers", str(serving)), listeners=serving)


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
async def test_separate_processing_answers_and_dispatches_each_message_once(tmp_path, fake, kind):
    half = len(REPORTS) // 2
    late, quick = _burst(8000, slice(None, half), 20), _burst(9000, slice(half, None), 40)
    t = Traffic(late + quick)
    with _store(kind, tmp_path) as (url, serving):
        service = _service(tmp_path, url, serving, fake)
        await asyncio.to_thread(service.start)
        try:
            await _bursts_and_a_death(service, url, t, late, quick, serving)
        finally:
            assert await asyncio.to_thread(service.stop) == 0
        store = read_store(url)
    problems = check(store, t, [identity(s) for s in fake.sent]) + _answered_once(store, t)
    assert not problems, problems
    assert {m.msg_id for m in t.messages} == t.acked


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
async def test_processing_process_killed_mid_burst_loses_nothing(tmp_path, fake, kind):
    t = Traffic(_burst(6000, slice(None), 80))
    with _store(kind, tmp_path) as (url, serving):
        service = _service(tmp_path, url, serving, fake)
        await asyncio.to_thread(service.start)
        try:
            assert await _wait_for(lambda: len(service.children()) == serving + 1)
            processor = _processor(service)
            waves = [t.messages[n:n + 8] for n in range(0, len(t.messages), 8)]
            sending = asyncio.gather(*(_send_later(service, t, wave, 0.15 * n) for n, wave in enumerate(waves)))
            assert await asyncio.to_thread(_claim_seen, url, 20)  # messages being answered right now
            os.kill(processor, signal.SIGKILL)
            assert [status for statuses in await sending for status in statuses] == [200] * len(t.messages)
            assert await _wait_for(lambda: len(service.children()) == serving + 1
                                   and processor not in service.children())
            assert await wait_settled(url, timeout=90)  # PostgreSQL: its claims' leases (30 s) run out first
            if kind == "sqlite":  # the parent holds the file for its two processes: another instance is refused
                assert await asyncio.to_thread(run.main, ["seal", "--config", str(service.config)]) == 3
        finally:
            assert await asyncio.to_thread(service.stop) == 0
        store = read_store(url)
    problems = check(store, t, [identity(s) for s in fake.sent]) + _answered_once(store, t)
    assert not problems, problems


async def _send_later(service: Service, t: Traffic, messages: list[Message], after: float) -> list[int | None]:
    await asyncio.sleep(after)
    return await _send(service, t, messages)


def _claim_seen(url: str, timeout: float) -> bool:
    """Whether a message is seen claimed (being answered) within `timeout`. Looked for every 10 ms through one
    reading connection: on SQLite each claim lasts milliseconds, and a look through the writing engine would
    take the file's write lock every time, in the way of what it is looking for."""
    engine = make_engine(url)
    reader = make_reader(engine)
    claimed = select(InboxMessage.id).where(InboxMessage.status == "processing")
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with session(reader) as db:
                if db.exec(claimed).first() is not None:
                    return True
            time.sleep(0.01)
        return False
    finally:
        reader.dispose()
        engine.dispose()


def _stop_outside_a_write(url: str, pid: int) -> None:
    """SIGSTOP the process, never while it holds a SQLite file's one write lock: stopped holding it, it would
    keep every serving process's insert waiting (a machine only deschedules it for milliseconds). The test
    takes the lock itself (BEGIN IMMEDIATE), stops the process, and lets the lock go."""
    if not url.startswith("sqlite"):
        os.kill(pid, signal.SIGSTOP)
        return
    writer = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=30, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        os.kill(pid, signal.SIGSTOP)
        writer.execute("ROLLBACK")
    finally:
        writer.close()


def _processor(service: Service) -> int:
    return next(pid for pid in service.children() if not listens(pid, service.port))


async def _bursts_and_a_death(service: Service, url: str, t: Traffic, late: list[Message], quick: list[Message],
                              serving: int):
    assert await _wait_for(lambda: len(service.children()) == serving + 1)
    processor = _processor(service)
    _stop_outside_a_write(url, processor)
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
    assert await _wait_for(lambda: len(service.children()) == serving + 1 and processor not in service.children())
    assert await _wait_for(service.healthy)


def test_sqlite_takes_one_serving_process_and_a_file(tmp_path, capsys):
    for url, args, refused in ((f"sqlite:///{tmp_path}/gw.db", ["--workers", "2"], "server.workers"),
                               ("sqlite:///:memory:", [], "not an in-memory SQLite")):
        config = write_config(tmp_path, url, "http://127.0.0.1:9/", server={"processing": "separate"})
        assert run.main(["serve", "--config", str(config), *args]) == 2  # before anything is loaded or forked
        assert refused in capsys.readouterr().err
