"""The real service in a child process (`python run.py serve`), pointed at a fake WeChat on loopback.

The reliability tests kill it with SIGKILL, start it again on the same store, and read the
store afterwards: that is what a crash looks like from outside, with nothing mocked inside.
"""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import yaml

from tests.bot import wechat
from tests.fakes.wechat_server import fake  # noqa: F401 - the fake WeChat on loopback, for the service to reach
from tests.helpers import health_status, listens

ROOT = Path(__file__).resolve().parents[2]
FAST_LADDER = {"accept": [{"after": "2s", "notify": ["grid_leader"]}, {"after": "4s", "notify": ["officer"]}],
               "close": [{"after": "1h", "notify": ["grid_leader"]}], "repeat": "1h"}


def write_config(folder: Path, database_url: str, wechat_base: str, **sections) -> Path:
    """config.yaml as a deployment has it: WeChat keys of the test helpers, a fake API, short ladders and no
    demo block; `sections` are merged into the top-level keys (a list or a value replaces)."""
    config = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    config["database"]["url"] = database_url
    config["logging"] = {"level": "WARNING", "format": "json"}
    del config["demo"]  # off unless asked for
    config["geo"]["boundaries_file"] = str(ROOT / config["geo"]["boundaries_file"])  # the copy lives elsewhere
    config["wechat"]["mp"].update(app_id=wechat.APP_ID, app_secret="s", token=wechat.TOKEN,
                                  encoding_aes_key=wechat.MP_AES, api_base_url=wechat_base)
    config["wechat"]["work"].update(corp_id=wechat.CORP_ID, agent_id=1000002, secret="s", token=wechat.WORK_TOKEN,
                                    encoding_aes_key=wechat.WORK_AES, api_base_url=wechat_base,
                                    supervisors_webhook_key="robotkey")
    for urgency in ("emergency", "urgent", "normal"):
        config["escalation"][urgency] = FAST_LADDER
    # the runs check what was pushed at whatever hour they run: nothing held for quiet hours or batching
    config["escalation"] |= {"quiet_hours": None, "batch_window": "0s"}
    return _written(folder / "config.yaml", config, sections)


def write_demo_config(folder: Path, database_url: str, **sections) -> Path:
    """config.yaml as `make run` serves it (the demo, no credentials), on this store, without a seeded month."""
    config = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    config["database"]["url"] = database_url
    config["logging"] = {"level": "WARNING", "format": "json"}
    config["demo"] |= {"seed_history": False}
    config["geo"]["boundaries_file"] = str(ROOT / config["geo"]["boundaries_file"])
    return _written(folder / "demo.yaml", config, sections)


def _written(path: Path, config: dict, sections: dict) -> Path:
    for key, values in sections.items():
        config[key] = config[key] | values if isinstance(config.get(key), dict) else values
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


class Service:
    """One instance of the service; start() and kill() as often as a test likes."""

    def __init__(self, config: Path, port: int, log: Path, env: dict | None = None, args: tuple[str, ...] = (),
                 listeners: int | None = None):
        self.config, self.port, self.log, self.env, self.args = config, port, log, env or {}, args
        self.listeners = listeners  # processes that listen, if not all (server.processing: separate's one does not)
        self.process: subprocess.Popen | None = None
        self.base = f"http://127.0.0.1:{port}"

    def start(self, crash_at: str = "", timeout: float = 60) -> "Service":
        """Start and wait until /healthz answers 200 (store up, ticker cycling)."""
        env = {**os.environ, **self.env, "GRIDWHISTLE_PORT": str(self.port), "GRIDWHISTLE_CRASH_AT": crash_at}
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen([sys.executable, "run.py", "serve", "--config", str(self.config), *self.args],
                                            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"service exited with {self.process.returncode}; see {self.log}")
            children = self.children() or [self.process.pid]
            listening = sum(listens(pid, self.port) for pid in children)
            if self.healthy() and listening == (self.listeners or len(children)):
                return self
            time.sleep(0.1)
        raise RuntimeError(f"service not healthy after {timeout}s; see {self.log}")

    def healthy(self) -> bool:
        """True when /healthz answers 200."""
        return health_status(self.base) == 200

    def children(self) -> list[int]:
        """The processes this one forked (`--workers N`) and still has."""
        pid = self.process.pid
        try:
            return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except FileNotFoundError:
            return []

    def alive(self) -> bool:
        """The process is still running."""
        return self.process is not None and self.process.poll() is None

    def wait_dead(self, timeout: float) -> bool:
        """True if the process ended (a crash point fired) within `timeout`."""
        try:
            self.process.wait(timeout)
            return True
        except subprocess.TimeoutExpired:
            return False

    def kill(self) -> None:
        """SIGKILL: no cleanup, no graceful shutdown."""
        if self.alive():
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> int:
        """SIGTERM and wait: the graceful path."""
        if self.alive():
            self.process.send_signal(signal.SIGTERM)
            return self.process.wait(30)
        return self.process.returncode
