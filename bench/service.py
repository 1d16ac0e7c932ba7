"""The service under test as its own process: `python run.py serve` with a temporary config."""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import yaml

from bench.common import proc_children, proc_cpu_seconds, proc_pss_mb, proc_rss_mb
from tests.bot import wechat
from tests.helpers import free_port, health_status, listens

ROOT = Path(__file__).resolve().parent.parent


# The benchmarks measure how fast alerts are written, at any hour: none held for quiet hours or batching.
UNHELD = {"quiet_hours": None, "batch_window": "0s"}


def bench_config(folder: str, wechat_base: str = "http://127.0.0.1:9/", processing: str = "inline") -> str:
    """config.yaml as a deployment has it (the test OA and WeCom keys, no demo), quiet logs; its path.

    Outbound calls go to `wechat_base`: the fake WeChat (bench/fake_wechat.py) when the figures should
    include replies sent late through the outbox; nothing leaves the machine either way.
    """
    raw = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    raw["wechat"]["mp"] |= {"token": wechat.TOKEN, "encoding_aes_key": wechat.MP_AES, "app_id": wechat.APP_ID,
                            "app_secret": "s", "api_base_url": wechat_base}
    raw["wechat"]["work"] |= {"corp_id": wechat.CORP_ID, "agent_id": 1000002, "secret": "s", "token": wechat.WORK_TOKEN,
                              "encoding_aes_key": wechat.WORK_AES, "api_base_url": wechat_base}
    del raw["demo"]  # a deployment: the demo is off unless a config asks for it
    raw["logging"] = {"level": "WARNING", "format": "text"}
    raw["escalation"] |= UNHELD
    # the load generator stands for WeChat's many servers from one address: no per-address bound below the total
    raw["server"] |= {"max_connections": 4096, "max_connections_per_address": 4096, "processing": processing}
    raw["geo"]["boundaries_file"] = str(ROOT / raw["geo"]["boundaries_file"])  # the copy lives elsewhere
    path = Path(folder) / "config.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return str(path)


class Service:
    """The service on a loopback port (`workers` processes forked from one parent, or the one process; with
    `processing` "separate" one more forked beside them), or the bare baseline if `bare`; its sends go to
    `wechat_base`."""

    def __init__(self, database_url: str = "", bare: bool = False, workers: int = 1,
                 wechat_base: str = "http://127.0.0.1:9/", processing: str = "inline"):
        self.folder = tempfile.mkdtemp(prefix="gw-serve-")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database_url, self.workers, self.wechat_base = database_url, workers, wechat_base
        self.processing = processing
        self.forks = workers > 1 or processing == "separate"
        self.argv = ([sys.executable, "-m", "bench.bare_server", str(self.port)] if bare
                     else [sys.executable, "run.py", "serve", "--workers", str(workers)])
        self.process: subprocess.Popen | None = None
        self.started = 0.0

    def start(self) -> "Service":
        """Spawn the process (returns at once; see wait_serving)."""
        env = os.environ | {"GRIDWHISTLE_CONFIG": bench_config(self.folder, self.wechat_base, self.processing),
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
            # forked processes start one after another: wait until each listens, not only the first
            every = not self.forks or (len(self.serving()) == self.workers and
                                       all(listens(pid, self.port) for pid in self.serving()))
            if every and (status == 200 or (status and not healthy)):
                return time.perf_counter() - self.started
            time.sleep(0.02)
        raise TimeoutError(f"service not serving after {timeout} s:\n{self.log_tail()}")

    def counter(self, name: str, **labels) -> float:
        """One Prometheus counter from /metrics (0 if absent): with several processes any scrape sums them all."""
        want = ",".join(f'{k}="{v}"' for k, v in labels.items())
        with urllib.request.urlopen(self.url + "/metrics", timeout=10) as response:
            text = response.read().decode()
        match = re.search(rf"^{re.escape(name)}\{{{re.escape(want)}\}} (\S+)$", text, re.M)
        return float(match.group(1)) if match else 0.0

    def serving(self) -> list[int]:
        """The processes that serve: the forked children (but the processing one, which listens to nothing), or
        the one process."""
        if not self.forks:
            return [self.process.pid]
        children = proc_children(self.process.pid)
        return [pid for pid in children if listens(pid, self.port)] if self.processing == "separate" else children

    def rss_mb(self, field: str = "VmHWM") -> float:
        """Peak (VmHWM) or current (VmRSS) resident memory in MB of the largest serving process."""
        return max(proc_rss_mb(pid, field) for pid in self.serving())

    def memory(self) -> list[tuple[float, float, float]]:
        """(RSS, PSS, peak RSS) in MB of each serving process, now."""
        return [(*proc_pss_mb(pid), proc_rss_mb(pid)) for pid in self.serving()]

    def cpu_seconds(self) -> float:
        """CPU seconds the service has used so far (the parent and the serving processes, all their threads)."""
        pids = {self.process.pid, *(proc_children(self.process.pid) if self.forks else ())}
        return sum(proc_cpu_seconds(pid) for pid in pids)

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
        shutil.rmtree(self.folder, ignore_errors=True)

