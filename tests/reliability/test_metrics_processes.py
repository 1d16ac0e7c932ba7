"""/metrics with several processes: every process's figures, summed, whichever serving process answers.

server.processing: separate with two serving processes: the processing process serves no HTTP, yet what it
counts (messages triaged, tickets made, pushes sent) shows on /metrics, beside both serving processes'
callbacks; each scrape (a new connection: either serving process) shows the same totals. The operator's
PROMETHEUS_MULTIPROC_DIR is emptied at start. The processing process killed and replaced: what it counted
stays, its gw_process line goes.
"""
import asyncio
import os
import re
import signal
import urllib.request

import aiohttp

from tests.conftest import pg_admin, private_schema
from tests.helpers import free_port, listens
from tests.reliability.crash_run import CHATTER, REPORTS, Message, Traffic, post, wait_settled
from tests.reliability.service import Service, fake, write_config  # noqa: F401 - fixture
from tests.reliability.test_workers import _wait_for

SCRAPES = 8  # each on a new connection: the kernel gives them to either serving process


def scrape(base: str) -> str:
    with urllib.request.urlopen(base + "/metrics", timeout=10) as response:
        return response.read().decode()


def total(text: str, name: str, leave_out: str = "") -> float:
    """The sum of a metric's samples, leaving out those whose labels contain `leave_out`."""
    samples = re.findall(rf"^{re.escape(name)}\{{([^}}]*)\}} (\S+)$", text, re.M)
    return sum(float(value) for labels, value in samples if not (leave_out and leave_out in labels))


def processes(text: str) -> dict[int, str]:
    """gw_process's lines: each live process's pid and role."""
    lines = re.findall(r"^gw_process\{([^}]*)\} 1\.0$", text, re.M)
    return {int(re.search(r'pid="(\d+)"', labels).group(1)): re.search(r'role="(\w+)"', labels).group(1)
            for labels in lines}


async def test_metrics_show_every_process_summed_the_processing_one_too(tmp_path, fake):
    reports = [Message(6000 + i, f"oCount{i:02d}", text) for i, text in enumerate(REPORTS[:4])]
    t = Traffic(reports + [Message(6100 + i, f"oCountC{i:02d}", CHATTER[i % 2]) for i in range(6)])
    folder = tmp_path / "metrics"
    folder.mkdir()
    (folder / "counter_1.db").write_bytes(b"an earlier run's figures")  # not a valid file: summed in, /metrics fails
    admin = pg_admin()
    with private_schema(admin) as url:
        config = write_config(tmp_path, url, str(fake.server.make_url("/")), server={"processing": "separate"})
        service = Service(config, free_port(), tmp_path / "serve.log", env={"PROMETHEUS_MULTIPROC_DIR": str(folder)},
                          args=("--workers", "2"), listeners=2)
        await asyncio.to_thread(service.start)
        try:
            assert not (folder / "counter_1.db").exists()
            async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True)) as http:
                assert await asyncio.gather(*(post(http, service.base, t, m) for m in t.messages)) == [200] * 10
            assert await wait_settled(url, timeout=60)
            await _every_scrape_shows_every_process(service, t, len(reports))
            await _a_replaced_processing_process_keeps_its_counts(service, len(t.messages))
        finally:
            assert await asyncio.to_thread(service.stop) == 0
    admin.dispose()


async def _every_scrape_shows_every_process(service: Service, t: Traffic, reports: int) -> None:
    children = service.children()
    processor = next(pid for pid in children if not listens(pid, service.port))
    for text in [await asyncio.to_thread(scrape, service.base) for _ in range(SCRAPES)]:
        assert processes(text) == {pid: "processing" if pid == processor else "serving" for pid in children}
        # both serving processes' callbacks, and what only the processing process counts
        assert total(text, "gw_callbacks_total") == len(t.messages)
        assert total(text, "gw_inbox_processed_total", leave_out='outcome="deferred"') == len(t.messages)
        assert total(text, "gw_tickets_total", leave_out='route="merged"') == reports
        assert total(text, "gw_outbox_total") >= reports  # each ticket's push to its grid worker
        assert re.search(r"^gw_tick_seconds_count [1-9]", text, re.M)


async def _a_replaced_processing_process_keeps_its_counts(service: Service, messages: int) -> None:
    processor = next(pid for pid in service.children() if not listens(pid, service.port))
    os.kill(processor, signal.SIGKILL)
    assert await _wait_for(lambda: len(service.children()) == 3 and processor not in service.children())
    # the new one names itself once it has made its metrics; the dead one's line went when the parent reaped it
    assert await _wait_for(lambda: len(processes(scrape(service.base))) == 3)
    text = await asyncio.to_thread(scrape, service.base)
    assert processor not in processes(text) and sorted(processes(text).values()) == ["processing", *["serving"] * 2]
    assert total(text, "gw_inbox_processed_total", leave_out='outcome="deferred"') == messages
