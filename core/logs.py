"""Structured logs: one JSON object per line (or plain text for people at a terminal)."""
import json
import logging
import sys
import threading
import time
from collections.abc import Callable

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}
REPEAT_INTERVAL_S = 60.0
# Fields that differ between copies of one error (who sent it): left out when telling copies apart.
_VOLATILE = {"remote", "address", "repeated"}
_MAX_KINDS = 1000


class JsonFormatter(logging.Formatter):
    """Every record as JSON, with any `extra=` fields kept as keys."""

    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        payload.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False, default=str)


class RepeatFilter(logging.Filter):
    """Lets one of a kind of record through per interval; the next one let through carries `repeated`,
    how many were held back meanwhile. A flood of identical errors (a refused callback, accept() out of
    file descriptors) then costs a line a minute instead of filling the disk."""

    def __init__(self, interval_s: float = REPEAT_INTERVAL_S, clock: Callable[[], float] = time.monotonic):
        super().__init__()
        self.interval_s, self.clock = interval_s, clock
        self._kinds: dict[tuple[object, ...], list[float]] = {}  # kind -> [last let through at, held back since]
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        kind, now = _kind(record), self.clock()
        with self._lock:
            entry = self._kinds.get(kind)
            if entry is not None and now - entry[0] < self.interval_s:
                entry[1] += 1
                return False
            if len(self._kinds) >= _MAX_KINDS:
                self._forget(now)
            self._kinds[kind] = [now, 0]
        if entry is not None and entry[1]:
            record.repeated = int(entry[1])
        return True

    def _forget(self, now: float) -> None:
        self._kinds = {k: v for k, v in self._kinds.items() if now - v[0] < self.interval_s}
        if len(self._kinds) >= _MAX_KINDS:  # all recent: forget them rather than grow without end
            self._kinds.clear()


def _kind(record: logging.LogRecord) -> tuple[object, ...]:
    extras = tuple(sorted((k, str(v)[:200]) for k, v in vars(record).items()
                          if k not in _STANDARD and k not in _VOLATILE))
    error = record.exc_info[1] if record.exc_info else None
    return record.name, record.levelno, str(record.msg)[:200], extras, repr(error)[:200]


REPEATS = RepeatFilter()


def limited(logger: logging.Logger) -> logging.Logger:
    """The logger, with identical records let through once per interval (see RepeatFilter)."""
    if REPEATS not in logger.filters:
        logger.addFilter(REPEATS)
    return logger


def setup_logging(level: str = "INFO", fmt: str = "json") -> None:
    """Configure the root logger once, at start."""
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # a line per tick is noise
    # accept() out of file descriptors and errors in connections are logged by these, once per connection
    limited(logging.getLogger("asyncio"))
    limited(logging.getLogger("aiohttp.server"))
