"""Callback throughput and ack latency at steady rates: the service vs a bare crypto-echo server.

Three processes: the load generator (bench.loadgen, spawned), the server under test
(`run.py serve` with a temporary config, or bench.bare_server), and this one, which only
orchestrates and reads the store and /metrics between runs; beside them the fake WeChat the
service sends late replies to (bench/fake_wechat.py). Each rate gets a fresh server and an empty
store, so one rate's backlog never spills into the next one's figures. "postgresql x2" is
`run.py serve --workers 2`: two processes forked from one parent, on one port and one store.
"""
import time
import urllib.parse
import urllib.request

from sqlalchemy import func
from sqlmodel import select

from bench.common import ms, pct, ratio, table
from bench.fake_wechat import FakeWeChatProcess
from bench.loadgen import PATIENCE_S, bodies, in_own_process
from bench.service import Service
from bench.stores import drop, fresh_url
from models import InboxMessage
from models.store import make_engine, session

DRAIN_LIMIT_S = 300.0
# "postgresql x2 separate", "sqlite separate": server.processing: separate
ENGINES = ("sqlite", "postgresql", "postgresql x2")


def warm_up(service: Service, count: int = 5) -> None:
    """A few messages one by one first: pools and lazy imports are paid before the clock starts."""
    for query, body in bodies(count, 10**8):
        url = f"{service.url}/wechat/mp?{urllib.parse.urlencode(query)}"
        urllib.request.urlopen(urllib.request.Request(url, data=body.encode(), method="POST"), timeout=30).read()


def open_inbox(engine) -> int:
    """Messages stored but not yet answered (new, or being processed)."""
    with session(engine) as db:
        return db.exec(select(func.count()).select_from(InboxMessage)
                       .where(InboxMessage.status.in_(("new", "processing")))).one()


def drain_seconds(engine, ended_at: float) -> float:
    """Seconds after the last ack until every stored message has been answered."""
    while open_inbox(engine) and time.time() - ended_at < DRAIN_LIMIT_S:
        time.sleep(0.1)
    return time.time() - ended_at


def timed_load(server: Service, rate: int, seconds: float) -> dict:
    """The generator's figures, and the server's CPU use (% of one core) while it ran."""
    cpu = server.cpu_seconds()
    result = in_own_process(server.url + "/wechat/mp", rate, seconds, 10**9)
    used = server.cpu_seconds() - cpu
    return result | {"server_cpu": used / result["elapsed"] * 100, "cpu_ms": used / len(result["latencies"]) * 1000,
                     "cpu_at_start": cpu}


def bare(rate: int, seconds: float) -> dict:
    """The baseline at this rate: figures and the bare server's peak RSS."""
    server = Service(bare=True).start()
    try:
        server.wait_serving()
        warm_up(server)
        return timed_load(server, rate, seconds) | {"peak_mb": server.rss_mb()}
    finally:
        server.stop()


def full(kind: str, rate: int, seconds: float, wechat_base: str) -> dict:
    """The service at this rate on this engine ("postgresql x2": two processes): figures, where messages were
    answered, drain, RSS (of the largest process) and each process's RSS and PSS, idle and after the load."""
    engine_kind, _, rest = kind.partition(" ")
    workers = rest.removesuffix("separate").strip(" x") or "1"
    url = fresh_url(engine_kind)
    service = Service(url, workers=int(workers), wechat_base=wechat_base,
                      processing="separate" if kind.endswith("separate") else "inline").start()
    engine = make_engine(url)
    try:
        service.wait_serving(healthy=True)
        warm_up(service)
        idle_mb, idle_each = service.rss_mb("VmRSS"), service.memory()
        done0, deferred0 = (service.counter("gw_inbox_processed_total", outcome=o) for o in ("done", "deferred"))
        result = timed_load(service, rate, seconds)
        drained = drain_seconds(engine, result["ended_at"])
        # per message: what the messages left to the worker cost counts too, so from the first message to the drain
        result["cpu_ms"] = (service.cpu_seconds() - result["cpu_at_start"]) / len(result["latencies"]) * 1000
        # "done" counts messages processed by the callback's own path (answered in time or, if
        # too slow, sent late through the outbox); "deferred" ones were stored for the worker
        done, deferred = (service.counter("gw_inbox_processed_total", outcome=o) for o in ("done", "deferred"))
        return result | {"idle_mb": idle_mb, "peak_mb": service.rss_mb(), "drain_s": drained,
                         "memory": list(zip(idle_each, service.memory())),
                         "in_callback": int(done - done0), "deferred": int(deferred - deferred0),
                         "unanswered": open_inbox(engine)}
    finally:
        service.stop()
        drop(engine)


def _latency_row(kind: str, rate: int, f: dict, b: dict) -> tuple:
    lat, base = f["latencies"], b["latencies"]
    non_200 = sum(n for status, n in f["statuses"].items() if status != 200)
    return (kind, rate, len(lat), f"{len(lat) / f['elapsed']:.0f}", f"{pct(lat, 50) * 1000:.1f}",
            f"{pct(lat, 99) * 1000:.1f}", ms(max(lat)), f"{pct(base, 50) * 1000:.1f}", f"{pct(base, 99) * 1000:.1f}",
            ratio(pct(lat, 99), pct(base, 99)), non_200, sum(t > PATIENCE_S for t in lat))


def _work_row(kind: str, rate: int, f: dict, b: dict) -> tuple:
    drain = f"{f['drain_s']:.1f}" if f["deferred"] or f["unanswered"] else "0"
    if f["unanswered"]:
        drain = f">{DRAIN_LIMIT_S:.0f} ({f['unanswered']} left)"
    return (kind, rate, f["replied"], f["in_callback"], f["deferred"], drain, f"{f['server_cpu']:.0f}",
            f"{f['cpu_ms']:.1f}", f"{b['server_cpu']:.0f}", f"{b['cpu_ms']:.1f}",
            f"{f['cpu_s'] / f['elapsed'] * 100:.0f}", f"{f['idle_mb']:.0f}", f"{f['peak_mb']:.0f}",
            f"{b['peak_mb']:.0f}", ratio(f["peak_mb"], b["peak_mb"]))


def _memory_rows(kind: str, rate: int, f: dict) -> list[tuple]:
    return [(kind, rate, n, f"{idle[0]:.0f}", f"{idle[1]:.0f}", f"{after[0]:.0f}", f"{after[1]:.0f}", f"{after[2]:.0f}")
            for n, (idle, after) in enumerate(f["memory"], start=1)]


def run(rates=(50, 200, 500), engines=ENGINES, seconds: float = 5.0) -> str:
    """Three tables: ack latency against the bare server, where the work went, memory of each process."""
    baselines = {rate: bare(rate, seconds) for rate in rates}
    fake = FakeWeChatProcess().start()
    try:
        runs = [(kind, rate, full(kind, rate, seconds, fake.base)) for kind in engines for rate in rates]
    finally:
        fake.stop()
    latency = table([_latency_row(k, r, f, baselines[r]) for k, r, f in runs],
                    ("engine", "msg/s", "sent", "acked/s", "p50 ms", "p99 ms", "max ms", "bare p50", "bare p99",
                     "p99 / bare", "non-200", "over 5 s"))
    work = table([_work_row(k, r, f, baselines[r]) for k, r, f in runs],
                 ("engine", "msg/s", "passive replies", "done in callback", "left to worker", "worker drain s",
                  "server CPU %", "CPU ms/msg", "bare CPU %", "bare ms/msg", "generator CPU %", "server RSS idle MB",
                  "peak MB", "bare peak MB", "peak / bare"))
    memory = table([row for k, r, f in runs for row in _memory_rows(k, r, f)],
                   ("engine", "msg/s", "process", "idle RSS MB", "idle PSS MB", "after RSS MB", "after PSS MB",
                    "peak RSS MB"))
    return latency + "\n\n" + work + "\n\n" + memory


if __name__ == "__main__":
    import sys
    # e.g. postgresql-x2, postgresql-separate, postgresql-x2-separate, sqlite-separate
    kinds = tuple(a.replace("-", " ") for a in sys.argv[1:] if not a.isdigit())
    print(run(tuple(int(r) for r in sys.argv[1:] if r.isdigit()) or (50, 200, 500), kinds or ENGINES))
