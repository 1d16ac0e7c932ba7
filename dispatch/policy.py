"""The escalation policy frozen onto a ticket when it is created (config edits don't touch it).

Shape: {"urgency", "accept": [{"after_s", "notify"}], "close": [...], "repeat_s",
"remind_before_close_s", "silent_window_s"} — plain JSON so it survives in the ticket row.
"""
from typing import Any

from core.settings import Settings


def snapshot(settings: Settings, urgency: str, triage_queue: bool = False) -> dict[str, Any]:
    """Copy the ladder for `urgency`; the human triage queue gets the duty desk's own accept deadline."""
    esc = settings.escalation
    ladder = esc.ladder(urgency)
    accept = [{"after_s": int(s.after.total_seconds()), "notify": list(s.notify)} for s in ladder.accept]
    if triage_queue:
        accept = [{"after_s": int(esc.triage_accept.total_seconds()), "notify": ["duty_officer", "supervisor"]}]
    return {
        "urgency": urgency,
        "accept": accept,
        "close": [{"after_s": int(s.after.total_seconds()), "notify": list(s.notify)} for s in ladder.close],
        "repeat_s": int(ladder.repeat.total_seconds()),
        "remind_before_close_s": int(esc.remind_before_close.total_seconds()),
        "silent_window_s": int(esc.silent_window.total_seconds()),
    }
