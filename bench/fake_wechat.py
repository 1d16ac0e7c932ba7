"""The fake WeChat API (tests/fakes/wechat_server.py) in a process of its own, for the service to send to.

A deployment's config needs the WeCom app, and replies the callback could not carry go out through the
outbox: pointed here, they are sent and answered as WeChat would, and nothing leaves the machine.
Run as `python -m bench.fake_wechat PORT`; FakeWeChatProcess starts and stops it.
"""
import subprocess
import sys
import time
from pathlib import Path

from tests.helpers import free_port, health_status

ROOT = Path(__file__).resolve().parent.parent


class FakeWeChatProcess:
    """The fake on a loopback port; `base` is what api_base_url points at."""

    def __init__(self) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/"
        self.process: subprocess.Popen | None = None

    def start(self) -> "FakeWeChatProcess":
        """Spawn it and wait until it answers."""
        self.process = subprocess.Popen([sys.executable, "-m", "bench.fake_wechat", str(self.port)], cwd=ROOT,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while health_status(self.base.rstrip("/")) is None:  # any answer (a 404 here) means it listens
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError("the fake WeChat did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        """End it."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


if __name__ == "__main__":
    from aiohttp import web

    from tests.fakes.wechat_server import FakeWeChat
    web.run_app(FakeWeChat().app(), host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
