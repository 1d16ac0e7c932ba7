"""`run.py serve --workers 2`: two forked processes on one port and one PostgreSQL store.

Residents' callbacks come in at once, each on a connection of its own (WeChat's servers open them
freely), so the kernel spreads them over both processes; the fast ladder's rungs fall due while both
tick. Every message must be answered once, every report dispatched once, every rung fired once,
every push delivered once; a child killed is replaced, and SIGTERM to the parent stops them all.
"""
import asyncio
import os
import re
import signal
import time
import urllib.request
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.multiprocess import MultiProcessCollector

import run
from core.config_load import load_settings
from tests.conftest import pg_admin, private_schema
from tests.helpers import free_port
from tests.reliability.crash_run import CHATTER, REPORTS, Message, Traffic, post, wait_settled
from tests.reliability.invariants import check, check_cards, identity, read_store
from tests.reliability.service import Service, fake, write_config  # noqa: F401 - fixture
from web.forking import Supervisor, one_writer_problem

RESIDENTS = 60  # besides the reporters: chatter, answered or left alone, never a ticket


def _traffic() -> Traffic:
    reports = [Message(7000 + i, f"oReporter{i:02d}", text) for i, text in enumerate(REPORTS)]
    chatter = [Message(7100 + i, f"oChatter{i:02d}", CHATTER[i % 2]) for i in range(RESIDENTS)]
    return Traffic(reports + chatter)


def _callbacks_answered(base: str, folder: Path) -> tuple[float, dict[str, float]]:
    """Callbacks answered, as /metrics sums them over the processes (any scrape shows every process's figures),
    and by each process whose pid gw_process names, from the file it writes its counts to in the metrics folder."""
    with urllib.request.urlopen(base + "/metrics", timeout=10) as response:
        text = response.read().decode()
    answered = sum(float(v) for v in re.findall(r'^gw_callbacks_total\{channel="mp"[^}]*\} (\S+)$', text, re.M))
    each = {pid: sum(s.value for m in MultiProcessCollector.merge([str(folder / f"counter_{pid}.db")])
                     if m.name == "gw_callbacks" for s in m.samples if s.name == "gw_callbacks_total")
            for pid in re.findall(r'^gw_process\{.*pid="(\d+)".*\} 1\.0$', text, re.M)}
    return answered, each


async def _wait_for(condition, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await asyncio.to_thread(condition):
            return True
        await asyncio.sleep(0.2)
    return False


async def test_two_forked_processes_answer_dispatch_and_escalate_each_message_once(tmp_path, fake):
    admin = pg_admin()
    with private_schema(admin) as url:
        config = write_config(tmp_path, url, str(fake.server.make_url("/")))
        service = Service(config, free_port(), tmp_path / "serve.log", args=("--workers", "2"),
                          env={"PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics")})
        await asyncio.to_thread(service.start)
        children = service.children()
        assert len(children) == 2
        t = _traffic()
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True)) as http:
            statuses = await asyncio.gather(*(post(http, service.base, t, m) for m in t.messages))
        assert statuses == [200] * len(t.messages)
        assert await wait_settled(url, timeout=60)
        answered, each = await asyncio.to_thread(_callbacks_answered, service.base, tmp_path / "metrics")
        assert sorted(each) == sorted(str(pid) for pid in children) and answered == len(t.messages)
        assert all(n > 0 for n in each.values()) and sum(each.values()) == answered, each  # the kernel spread them

        killed = children[0]
        os.kill(killed, signal.SIGKILL)  # a child dies as a crash would kill it; the parent starts another
        assert await _wait_for(lambda: len(service.children()) == 2 and killed not in service.children())
        assert await _wait_for(service.healthy)
        serving = service.children()
        assert await asyncio.to_thread(service.stop) == 0  # SIGTERM to the parent: every child stops, gracefully
        assert not any(Path(f"/proc/{pid}").exists() for pid in serving)
        store = read_store(url)
    admin.dispose()
    problems = check(store, t, [identity(s) for s in fake.sent]) + check_cards(store, fake.sent, fake.card_updates)
    assert not problems, problems
    assert {m.msg_id for m in t.messages} == t.acked


def test_sqlite_is_refused_more_than_one_process(capsys):
    config = Path(__file__).resolve().parents[2] / "config.yaml"
    assert run.main(["serve", "--workers", "2", "--config", str(config)]) == 2  # before anything is loaded
    assert "server.workers (--workers) = 2" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        run.main(["serve", "--workers", "0", "--config", str(config)])
    assert "--workers: a number of processes from 1 to 64" in capsys.readouterr().err
    settings = load_settings(config)
    assert one_writer_problem(settings.database.url, 1) is None
    assert one_writer_problem("postgresql+psycopg://gw@db/gw", 4) is None


def test_a_process_that_refuses_to_start_stops_the_others():
    """Exit 2 or 3 at start (a config, key or lock problem) would be the same in every restart: all stop."""
    assert Supervisor([lambda: 2] * 2).run() == 2
