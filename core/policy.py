"""The escalation policy frozen onto a ticket when it is created (config edits don't touch it).

dispatch/policy.py makes it from the config (`snapshot`); everything that reads a ticket's ladder
(dispatch, the reports, the console) reads it through this type.

A frozen dataclass read through attributes (`policy.accept.limit`), stored as plain JSON in the
ticket row by `to_json` and read back by `Policy.of(ticket)`. The JSON keeps the shape of the
first snapshots ({"urgency", "accept": [{"after_s", "notify"}], "close", "repeat_s",
"remind_before_close_s", "silent_window_s"}), so rows written before `max_repeats` and
`max_escalations` existed still load: they get the defaults below.
"""
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

DEFAULT_MAX_REPEATS = 3  # how often the top step is repeated once the ladder is climbed
DEFAULT_MAX_ESCALATIONS = 12  # rungs per ticket over its whole life; past it, the daily 督办 list
LADDERS = ("accept", "close")
# Which statuses wait on which ladder: not yet accepted, or accepted and not yet closed. One
# ladder at a time: the close ladder starts at 签收 and alerts only from then on.
WAITING = {"accept": ("dispatched", "returned"), "close": ("accepted", "in_progress")}


@dataclass(frozen=True)
class Step:
    """One rung: this long after dispatch, alert these roles."""

    after: timedelta
    notify: tuple[str, ...]


@dataclass(frozen=True)
class Ladder:
    """The rungs of one ladder (签收 or 办结), strictly later one after the other."""

    steps: tuple[Step, ...]

    @property
    def limit(self) -> timedelta:
        """The deadline itself: the first rung's time."""
        return self.steps[0].after

    @property
    def top(self) -> int:
        """The level of the last step; levels past it repeat it."""
        return len(self.steps) - 1

    def step(self, level: int) -> Step:
        """The step alerted at this level (the top step for repeats)."""
        return self.steps[min(level, self.top)]


@dataclass(frozen=True)
class Policy:
    """Everything that decides how a ticket escalates, as it was when the ticket was created."""

    urgency: str
    accept: Ladder
    close: Ladder
    repeat: timedelta  # between repeats of the top step
    remind_before_close: timedelta
    silent_window: timedelta
    max_repeats: int = DEFAULT_MAX_REPEATS
    max_escalations: int = DEFAULT_MAX_ESCALATIONS

    @property
    def emergency(self) -> bool:
        """Emergencies go through quiet hours and batching."""
        return self.urgency == "emergency"

    def ladder(self, kind: str) -> Ladder:
        """The accept or the close ladder."""
        return self.accept if kind == "accept" else self.close

    def last_level(self, kind: str) -> int:
        """The last level that alerts: the top step and its bounded repeats."""
        return self.ladder(kind).top + self.max_repeats

    def with_close_limit(self, within: timedelta) -> "Policy":
        """The same policy with the close deadline at `within` (tasks); later steps kept only past it."""
        later = tuple(s for s in self.close.steps[1:] if s.after > within)
        return replace(self, close=Ladder((replace(self.close.steps[0], after=within), *later)))

    @classmethod
    def of(cls, ticket: Any) -> "Policy":
        """The snapshot stored on a ticket."""
        return cls.from_json(ticket.policy)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Policy":
        """Read a stored snapshot, old ones included."""
        return cls(urgency=data.get("urgency", "normal"), accept=_ladder(data["accept"]), close=_ladder(data["close"]),
                   repeat=timedelta(seconds=data["repeat_s"]),
                   remind_before_close=timedelta(seconds=data["remind_before_close_s"]),
                   silent_window=timedelta(seconds=data["silent_window_s"]),
                   max_repeats=int(data.get("max_repeats", DEFAULT_MAX_REPEATS)),
                   max_escalations=int(data.get("max_escalations", DEFAULT_MAX_ESCALATIONS)))

    def to_json(self) -> dict[str, Any]:
        """The JSON stored in the ticket row."""
        return {"urgency": self.urgency, "accept": _steps_json(self.accept), "close": _steps_json(self.close),
                "repeat_s": _seconds(self.repeat), "remind_before_close_s": _seconds(self.remind_before_close),
                "silent_window_s": _seconds(self.silent_window), "max_repeats": self.max_repeats,
                "max_escalations": self.max_escalations}


def _ladder(steps: list[dict[str, Any]]) -> Ladder:
    return Ladder(tuple(Step(timedelta(seconds=s["after_s"]), tuple(s["notify"])) for s in steps))


def _steps_json(ladder: Ladder) -> list[dict[str, Any]]:
    return [{"after_s": _seconds(s.after), "notify": list(s.notify)} for s in ladder.steps]


def _seconds(delta: timedelta) -> int:
    return int(delta.total_seconds())
