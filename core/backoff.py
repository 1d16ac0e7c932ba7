"""Back off from work that keeps failing: exponential pauses, and one log line per failure, not one per tick."""
import logging
from datetime import datetime, timedelta


class Backoff:
    """Per key: after the n-th failure in a row, wait first × 2^(n-1) (at most `cap`) before trying again.

    The first failure is logged with its traceback; later ones in the same run of failures get
    one line each with the error and the pause, so a broken duty does not fill the log every tick.
    """

    def __init__(self, log: logging.Logger, first: timedelta = timedelta(seconds=10),
                 cap: timedelta = timedelta(minutes=10)):
        self.log, self.first, self.cap = log, first, cap
        self._failing: dict[str, tuple[int, datetime]] = {}  # key -> (failures in a row, next try)

    def ready(self, key: str, now: datetime) -> bool:
        """True unless the key is pausing after a failure."""
        failing = self._failing.get(key)
        return failing is None or now >= failing[1]

    def failed(self, key: str, now: datetime, error: Exception, **extra: object) -> timedelta:
        """Count a failure, log it once, and return the pause before the next try."""
        count = self._failing.get(key, (0, now))[0] + 1
        pause: timedelta = min(self.cap, self.first * 2 ** (count - 1))
        self._failing[key] = (count, now + pause)
        fields = {"key": key, "failures": count, "retry_in_s": int(pause.total_seconds()), **extra}
        if count == 1:
            self.log.error("failed; backing off", exc_info=error, extra=fields)
        else:
            self.log.warning("still failing; backing off", extra=fields | {"error": repr(error)[:300]})
        return pause

    def succeeded(self, key: str) -> None:
        """The key works again: forget its failures (and say so if it had any)."""
        if self._failing.pop(key, None) is not None:
            self.log.info("recovered", extra={"key": key})

