"""A flame graph of the serving process while it takes callbacks at a steady rate (py-spy, sampling).

`python -m bench.profile_intake sqlite 50 bench/profiles/intake_sqlite_50.svg`: the service and the
load generator as bench_intake runs them; py-spy samples the server's threads while they hold the GIL
(`--gil`: what runs Python, near enough its CPU time) for the load window and writes an SVG flame
graph, or speedscope JSON if the name ends in .json.
"""
import subprocess
import sys
import time
from pathlib import Path

from bench.bench_intake import timed_load, warm_up
from bench.fake_wechat import FakeWeChatProcess
from bench.service import Service
from bench.stores import drop, fresh_url
from models.store import make_engine


def profile(kind: str, rate: int, out: str, seconds: float = 10.0) -> dict:
    """Run the load with py-spy attached; the generator's figures and the server's CPU ms per message."""
    url, fake = fresh_url(kind), FakeWeChatProcess().start()
    service, engine = Service(url, wechat_base=fake.base).start(), make_engine(url)
    try:
        service.wait_serving(healthy=True)
        warm_up(service)
        fmt = "speedscope" if out.endswith(".json") else "flamegraph"
        spy = subprocess.Popen([str(Path(sys.executable).parent / "py-spy"), "record", "--pid",
                                str(service.process.pid), "--duration", str(int(seconds)), "--rate", "200", "--gil",
                                "--format", fmt, "--output", out], stdout=subprocess.DEVNULL)
        time.sleep(0.5)  # py-spy attached before the first message
        result = timed_load(service, rate, seconds - 1)
        spy.wait()
        return {"sent": len(result["latencies"]), "cpu_ms": result["cpu_ms"]}
    finally:
        service.stop()
        fake.stop()
        drop(engine)


if __name__ == "__main__":
    print(profile(sys.argv[1], int(sys.argv[2]), sys.argv[3]))
