"""Repeated identical log records: one a minute, the next one carrying how many were held back."""
import logging

from core.logs import RepeatFilter


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def record(reason: str = "bad signature", remote: str = "10.0.0.1", exc: Exception | None = None) -> logging.LogRecord:
    rec = logging.LogRecord("bot.inbound.routes", logging.WARNING, __file__, 1, "callback refused", (),
                            (type(exc), exc, None) if exc else None)
    rec.channel, rec.status, rec.reason, rec.remote = "mp", 403, reason, remote
    return rec


def test_it_lets_one_of_a_kind_through_per_interval_and_then_says_how_many_were_held():
    clock = Clock()
    limiter = RepeatFilter(60, clock)
    first = record()
    assert limiter.filter(first) and not hasattr(first, "repeated")
    assert [limiter.filter(record(remote=f"10.0.0.{n}")) for n in range(500)] == [False] * 500  # who sent it differs
    clock.now = 61
    later = record()
    assert limiter.filter(later) and later.repeated == 500
    assert not limiter.filter(record())


def test_different_reasons_levels_and_errors_are_different_kinds():
    limiter = RepeatFilter(60, Clock())
    assert limiter.filter(record("bad signature")) and limiter.filter(record("body not received in time"))
    assert limiter.filter(record(exc=OSError(24, "Too many open files")))
    assert limiter.filter(record(exc=OSError(23, "Too many open files in system")))
    assert not limiter.filter(record(exc=OSError(24, "Too many open files")))


def test_it_does_not_grow_without_end_under_ever_new_kinds():
    clock = Clock()
    limiter = RepeatFilter(60, clock)
    for n in range(5000):
        assert limiter.filter(record(reason=f"reason {n}"))
    assert len(limiter._kinds) <= 1000


def test_accept_errors_reported_by_the_event_loop_are_limited_too(caplog):
    import asyncio
    import socket

    from core.logs import limited
    limited(logging.getLogger("asyncio"))  # as setup_logging does
    loop, listening = asyncio.new_event_loop(), socket.socket()
    try:
        with caplog.at_level(logging.ERROR, logger="asyncio"):
            for _ in range(200):  # what asyncio reports each time accept() fails with EMFILE
                loop.call_exception_handler({"message": "socket.accept() out of system resource",
                                             "exception": OSError(24, "Too many open files"), "socket": listening})
    finally:
        listening.close()
        loop.close()
    assert len([r for r in caplog.records if r.name == "asyncio"]) == 1
