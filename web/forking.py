"""Several serving processes on one host: load once, fork, keep them running, stop them together.

The parent loads what every process only reads (the triage model, jieba's dictionary, the modules)
and then forks: the children share those pages copy-on-write instead of each loading its own.
Each child is a whole instance (its own store connections, ticker and sender) listening on the same
port with SO_REUSEPORT, so the kernel spreads connections among them; the work they share is
claimed from the store's rows (SKIP LOCKED, leases), exactly as separate instances do. The parent
serves nothing: it restarts a child that dies and, on SIGTERM or SIGINT, stops them all gracefully.
"""
import gc
import logging
import os
import signal
import time
from collections.abc import Callable
from types import FrameType

log = logging.getLogger(__name__)
REFUSED = (2, 3)  # a child's own refusal to start (config, privacy key, store locked): restarting cannot help
STOP_GRACE_S = 30  # a child still running this long after SIGTERM is killed
QUICK_DEATH_S = 10  # a child dying sooner than this after its start is restarted after a growing pause


def one_writer_problem(database_url: str, workers: int) -> str | None:
    """Why `workers` processes cannot share this store (SQLite has one writer), or None."""
    if workers > 1 and not database_url.startswith(("postgresql", "postgres")):
        return (f"server.workers (--workers) = {workers}: several processes need PostgreSQL "
                f"(database.url or GRIDWHISTLE_DATABASE_URL); SQLite has one writer and serves one process "
                f"(with server.processing: separate, one processing process beside it). "
                f"Use workers: 1, or a postgresql+psycopg:// URL.")
    return None


def before_fork() -> None:
    """Keep what the parent loaded out of the collector's reach: a collection in a child would write to
    every object's header and copy the shared pages it sits on."""
    gc.collect()
    gc.freeze()


class Supervisor:
    """Forks a child per slot, running that slot's function (its return is the child's exit code), and keeps
    them: the serving processes, and with server.processing: separate the processing one after them. `ended` is
    told the pid of each child that ended (web/shared_metrics.py drops its live gauges)."""

    def __init__(self, slots: list[Callable[[], int]], ended: Callable[[int], None] = lambda pid: None):
        self.slots, self.count, self.ended = slots, len(slots), ended
        self.children: dict[int, tuple[int, float]] = {}  # pid -> (slot, started at, monotonic)
        self.quick_deaths = [0] * self.count
        self.stopping, self.code = False, 0

    def run(self) -> int:
        """Serve until SIGTERM/SIGINT (then 0) or until a child refuses to start (its code)."""
        handlers = {signum: signal.signal(signum, handler) for signum, handler in (
            (signal.SIGTERM, self._stop), (signal.SIGINT, self._stop), (signal.SIGALRM, self._kill_late))}
        for slot in range(self.count):
            self._spawn(slot)
        while self.children:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            self.ended(pid)
            slot_started = self.children.pop(pid, None)
            if slot_started is not None and not self.stopping:
                self._replace(pid, os.waitstatus_to_exitcode(status), *slot_started)
        signal.alarm(0)
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
        return self.code

    def _spawn(self, slot: int) -> None:
        pid = os.fork()
        if pid == 0:  # the child: back to default signals (aiohttp sets its own), never return into the parent's code
            code = 1
            try:
                for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGALRM):
                    signal.signal(signum, signal.SIG_DFL)
                code = self.slots[slot]()
            except BaseException:
                log.exception("serving process failed", extra={"slot": slot})
            finally:
                logging.shutdown()
                os._exit(code)
        self.children[pid] = (slot, time.monotonic())
        log.info("serving process started", extra={"slot": slot, "pid": pid})

    def _replace(self, pid: int, code: int, slot: int, started: float) -> None:
        lived = time.monotonic() - started
        log.warning("serving process ended; starting another", extra={"slot": slot, "pid": pid, "code": code,
                                                                     "lived_s": round(lived, 1)})
        if code in REFUSED and lived < QUICK_DEATH_S:
            log.error("serving process refused to start; stopping the others", extra={"code": code})
            self.code = code
            self._stop(signal.SIGTERM, None)
            return
        self.quick_deaths[slot] = self.quick_deaths[slot] + 1 if lived < QUICK_DEATH_S else 0
        pause_until = time.monotonic() + (min(30, 2 ** self.quick_deaths[slot]) if self.quick_deaths[slot] else 0)
        while not self.stopping and time.monotonic() < pause_until:  # a crash at start: do not spin, but heed SIGTERM
            time.sleep(0.2)
        if not self.stopping:
            self._spawn(slot)

    def _stop(self, signum: int, _frame: FrameType | None) -> None:
        if not self.stopping:
            log.info("stopping the serving processes", extra={"signal": signum, "children": len(self.children)})
        self.stopping = True
        for pid in self.children:
            _signal(pid, signal.SIGTERM)
        signal.alarm(STOP_GRACE_S)

    def _kill_late(self, _signum: int, _frame: FrameType | None) -> None:
        for pid in self.children:
            log.error("serving process did not stop in time; killed", extra={"pid": pid})
            _signal(pid, signal.SIGKILL)


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass  # ended meanwhile: os.wait() collects it
