"""Prometheus metrics, on a registry owned by the running service (not the global one)."""
import os

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class Metrics:
    """Every metric the service exports on /metrics."""

    def __init__(self, registry: CollectorRegistry | None = None):
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
        self.connections_open = Gauge("gw_connections_open", "HTTP connections open (web/gate.py)", registry=r)
        self.connections_refused = Counter("gw_connections_refused_total", "HTTP connections refused over a bound",
                                           ["bound"], registry=r)
        # With `serve --workers N` each scrape of the shared port reaches one process, whose counters are its own:
        # this names which one answered, so its figures can be told apart (and summed).
        Gauge("gw_process", "The serving process that answered this scrape", ["pid"], registry=r).labels(
            str(os.getpid())).set(1)
