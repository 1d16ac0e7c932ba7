"""The service under test as its own process: `python run.py serve` with a temporary config."""
import asyncio
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import yaml
from aiohttp import web

from bench.common import proc_cpu_seconds, proc_rss_mb
from tests.bot import wechat
from tests.fakes.wechat_server import FakeWeChat
from tests.helpers import free_port, health_status

ROOT = Path(__file__).resolve().parent.parent


# The benchmarks measure how fast alerts are written, at any hour: none held for quiet hours or batching.
UNHELD = {"quiet_hours": None, "batch_window": "0s"}


def bench_config(folder: str, wecom_url: str) -> str:
    """config.yaml with the test OA keys, the WeCom app at `wecom_url`, no demo and quiet logs; its path."""
    raw = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    raw["wechat"]["mp"] |= {"token": wechat.TOKEN, "encoding_aes_key": wechat.MP_AES, "app_id": wechat.APP_ID}
    # a deployment needs the WeCom app (core/config_demo.py); its API is the tests' fake WeChat on loopback,
    # so the figures include writing and sending the staff's pushes but no call leaves the machine. No OA
    # app secret: replies the callback could not carry are written to the outbox and go nowhere.
    raw["wechat"]["work"] |= {"corp_id": wechat.CORP_ID, "agent_id": 1000002, "secret": "s",
                              "api_base_url": wecom_url}
    raw["demo"] = {"enabled": False, "seed_history": False}
    raw["logging"] = {"level": "WARNING", "format": "text"}
    raw["escalation"] |= UNHELD
    # the load generator stands for WeChat's many servers from one address: no per-address bound below the total
    raw["server"] |= {"max_connections": 4096, "max_connections_per_address": 4096}
    raw["geo"]["boundaries_file"] = str(ROOT / raw["geo"]["boundaries_file"])  # the copy lives elsewhere
    path = Path(folder) / "config.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return str(path)


class Service:
    """One serving process on a loopback port (the service, or the bare baseline if `bare`)."""

    def __init__(self, database_url: str = "", bare: bool = False):
        self.folder = tempfile.mkdtemp(prefix="gw-serve-")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database_url = database_url
        self.argv = ([sys.executable, "-m", "bench.bare_server", str(self.port)] if bare
                     else [sys.executable, "run.py", "serve"])
        self.process: subprocess.Popen | None = None
        self.started = 0.0

    def start(self) -> "Service":
        """Spawn the process (returns at once; see wait_serving)."""
        self.wecom = FakeWeCom().start()
        env = os.environ | {"GRIDWHISTLE_CONFIG": bench_config(self.folder, self.wecom.url),
                            "GRIDWHISTLE_PORT": str(self.port),
                            "GRIDWHISTLE_DATABASE_URL": self.database_url}
        self.log = open(Path(self.folder) / "serve.log", "w+", encoding="utf-8")
        self.started = time.perf_counter()
        self.process = subprocess.Popen(self.argv, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        return self

    def wait_serving(self, healthy: bool = False, timeout: float = 120.0) -> float:
        """Seconds from spawn until /healthz answers at all (or answers 200, if `healthy`)."""
        while time.perf_counter() - self.started < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"service exited with {self.process.returncode}:\n{self.log_tail()}")
            status = health_status(self.url)
            if status == 200 or (status and not healthy):
                return time.perf_counter() - self.started
            time.sleep(0.02)
        raise TimeoutError(f"service not serving after {timeout} s:\n{self.log_tail()}")

    def counter(self, name: str, **labels) -> float:
        """One Prometheus counter from /metrics (0 if absent)."""
        with urllib.request.urlopen(self.url + "/metrics", timeout=10) as response:
            text = response.read().decode()
        want = ",".join(f'{k}="{v}"' for k, v in labels.items())
        match = re.search(rf"^{re.escape(name)}\{{{re.escape(want)}\}} (\S+)$", text, re.M)
        return float(match.group(1)) if match else 0.0

    def rss_mb(self, field: str = "VmHWM") -> float:
        """The serving process's peak (VmHWM) or current (VmRSS) resident memory in MB."""
        return proc_rss_mb(self.process.pid, field)

    def cpu_seconds(self) -> float:
        """CPU seconds the serving process has used so far."""
        return proc_cpu_seconds(self.process.pid)

    def log_tail(self, lines: int = 20) -> str:
        """The end of the process's output, for error messages."""
        self.log.flush()
        return "\n".join(Path(self.log.name).read_text(encoding="utf-8").splitlines()[-lines:])

    def stop(self) -> None:
        """SIGTERM (graceful shutdown), then SIGKILL if it hangs; the temp config and log go too."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        self.wecom.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


class FakeWeCom:
    """The tests' fake WeChat API (tests/fakes/wechat_server.py) on a loopback port, served by a thread of this process."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="fake-wecom", daemon=True)

    def start(self) -> "FakeWeCom":
        """Serve until stop()."""
        self.thread.start()
        self.runner = web.AppRunner(FakeWeChat().app(), access_log=None)
        asyncio.run_coroutine_threadsafe(self._serve(), self.loop).result(timeout=10)
        return self

    async def _serve(self) -> None:
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()

    def stop(self) -> None:
        """Stop serving and end the thread."""
        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(timeout=10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
