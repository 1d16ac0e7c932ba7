"""Prometheus metrics, on a registry owned by the running service (not the global one).

With several processes (`serve --workers N`, server.processing: separate) prometheus_client's multiprocess
mode is on (web/shared_metrics.py sets PROMETHEUS_MULTIPROC_DIR before forking): every process writes its
figures to a file of its own in that folder, and /metrics, whichever process answers it, shows them all,
summed. Alone, a process keeps its figures in memory and /metrics shows its own.
"""
import os

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, values
from prometheus_client.multiprocess import MultiProcessCollector

FOLDER_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
INLINE = "inline"  # a process that serves and processes; server.processing: separate has "serving" and "processing"


def shared_folder() -> str | None:
    """The folder every process writes its figures to, when prometheus_client was imported in multiprocess mode."""
    if getattr(values.ValueClass, "_multiprocess", False):
        return os.environ[FOLDER_VARIABLE]
    return None


class Metrics:
    """Every metric the service exports on /metrics."""

    def __init__(self, registry: CollectorRegistry | None = None, role: str = INLINE):
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.callbacks = Counter("gw_callbacks_total", "WeChat callbacks answered", ["channel", "outcome"], registry=r)
        self.callback_seconds = Histogram("gw_callback_seconds", "Time to answer a callback", ["channel"],
                                          buckets=(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5), registry=r)
        self.inbox_processed = Counter("gw_inbox_processed_total", "Inbox messages handled", ["outcome"], registry=r)
        self.tickets = Counter("gw_tickets_total", "Tickets created or merged", ["route", "kind"], registry=r)
        self.escalations = Counter("gw_escalations_total", "Escalation steps fired", ["ladder"], registry=r)
        self.outbox = Counter("gw_outbox_total", "Outbound deliveries", ["channel", "outcome"], registry=r)
        self.tick_seconds = Histogram("gw_tick_seconds", "Duration of one ticker cycle", registry=r)
        self.tick_errors = Counter("gw_tick_errors_total", "Ticker steps that raised", ["step"], registry=r)
        # summed over the live processes: a process that ended holds no connection
        self.connections_open = Gauge("gw_connections_open", "HTTP connections open (web/gate.py)", registry=r,
                                      multiprocess_mode="livesum")
        self.connections_refused = Counter("gw_connections_refused_total", "HTTP connections refused over a bound",
                                           ["bound"], registry=r)
        # One line per live process whose figures /metrics shows, naming its pid and what it does. In multiprocess
        # mode the collector adds each file's pid label itself (and drops a process's line once it has ended).
        own = {"role": role} if shared_folder() else {"pid": str(os.getpid()), "role": role}
        Gauge("gw_process", "A live process whose figures this scrape shows", list(own), registry=r,
              multiprocess_mode="liveall").labels(**own).set(1)

    def scraped(self) -> CollectorRegistry:
        """What /metrics shows: every process's figures from the shared folder, or this process's own."""
        folder = shared_folder()
        if folder is None:
            return self.registry
        every_process = CollectorRegistry()
        MultiProcessCollector(every_process, folder)  # type: ignore[no-untyped-call]
        return every_process
