"""Crash points: where the reliability tests kill the service, to prove nothing is lost or doubled.

`GRIDWHISTLE_CRASH_AT=inbox.stored:3` makes the process kill itself with SIGKILL (no cleanup,
no flush, like `kill -9` or a power cut) the third time it passes `crash_point("inbox.stored")`.
Unset, which is always the case in service, a crash point costs one dictionary lookup. The
variable is read on the first call, not at import.
"""
import os
import signal
import threading

POINTS = ("inbox.stored", "inbox.processed", "place.answered", "outbox.claimed", "outbox.sent", "tick.claimed")
_lock = threading.Lock()
_plan: dict[str, int] | None = None


def crash_point(name: str) -> None:
    """Die here if the environment asks for it (see the module docstring)."""
    global _plan
    if _plan is None:
        _plan = _read(os.environ.get("GRIDWHISTLE_CRASH_AT", ""))
    if name not in _plan:
        return
    with _lock:
        _plan[name] -= 1
        if _plan[name] <= 0:
            _die()


def _die() -> None:
    # In-process tests replace this with an exception nothing catches; the service never does.
    os.kill(os.getpid(), signal.SIGKILL)


def _read(value: str) -> dict[str, int]:
    plan = {}
    for item in filter(None, (v.strip() for v in value.split(","))):
        name, _, count = item.partition(":")
        if name not in POINTS:
            raise ValueError(f"GRIDWHISTLE_CRASH_AT: unknown crash point {name!r} (known: {', '.join(POINTS)})")
        plan[name] = int(count or 1)
    return plan
