"""Bounded connections: at most `total` open at once and `per_address` from one client address.

A connection over a bound is answered 503 and closed as soon as it is accepted, so its file descriptor
is back at once; a flood of slow connections cannot use up the process's descriptors, and /healthz
and WeChat's callbacks from other addresses keep being served. (Slow ones inside the bounds are cut
off by the keep-alive timeout while they send headers and by the callbacks' body deadline.)
"""
import asyncio
import logging
from collections import Counter
from collections.abc import Callable

from core.logs import limited
from core.metrics import Metrics

log = limited(logging.getLogger(__name__))  # under a flood: a line a minute, with the count
_TEXT = "服务繁忙，请稍后再试".encode()
_BUSY = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nRetry-After: 5\r\n"
         b"Connection: close\r\nContent-Length: " + str(len(_TEXT)).encode() + b"\r\n\r\n" + _TEXT)


class ConnectionGate:
    """Counts open connections, in all and by client address."""

    def __init__(self, total: int, per_address: int, metrics: Metrics | None = None):
        self.total, self.per_address, self.metrics = total, per_address, metrics
        self.open = 0
        self.by_address: Counter[str] = Counter()

    def admit(self, address: str) -> str | None:
        """Count the connection in and return None, or name the bound it would cross (and count nothing)."""
        bound = None
        if self.open >= self.total:
            bound = "server.max_connections"
        elif self.by_address[address] >= self.per_address:
            bound = "server.max_connections_per_address"
        else:
            self.open += 1
            self.by_address[address] += 1
        if self.metrics:
            self.metrics.connections_open.set(self.open)
            if bound:
                self.metrics.connections_refused.labels(bound).inc()
        return bound

    def release(self, address: str) -> None:
        """Count an admitted connection out."""
        self.open -= 1
        self.by_address[address] -= 1
        if self.by_address[address] <= 0:
            del self.by_address[address]
        if self.metrics:
            self.metrics.connections_open.set(self.open)


class GatedProtocol(asyncio.Protocol):
    """One connection: aiohttp's handler for it is made only once the gate admits it."""

    def __init__(self, gate: ConnectionGate, make_handler: Callable[[], asyncio.Protocol]):
        self.gate, self.make_handler = gate, make_handler
        self.inner: asyncio.Protocol | None = None
        self.address = ""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        peer = transport.get_extra_info("peername")
        self.address = str(peer[0]) if peer else ""
        bound = self.gate.admit(self.address)
        if bound is not None:
            log.warning("connection refused", extra={"bound": bound, "address": self.address})
            assert isinstance(transport, asyncio.WriteTransport)
            transport.write(_BUSY)
            transport.close()
            return
        self.inner = self.make_handler()
        self.inner.connection_made(transport)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.inner is not None:
            inner, self.inner = self.inner, None
            self.gate.release(self.address)
            inner.connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.inner is not None:
            self.inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self.inner.eof_received() if self.inner is not None else None

    def pause_writing(self) -> None:
        if self.inner is not None:
            self.inner.pause_writing()

    def resume_writing(self) -> None:
        if self.inner is not None:
            self.inner.resume_writing()
