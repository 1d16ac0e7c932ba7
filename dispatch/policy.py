"""The escalation policy frozen onto a ticket when it is created, made from config.yaml.

The snapshot type (Policy, Ladder, Step: frozen, read through attributes, stored as JSON) is
core/policy.py, so the reports and the console read a ticket's ladder without dispatch.
"""
from core.policy import DEFAULT_MAX_ESCALATIONS, DEFAULT_MAX_REPEATS, LADDERS, WAITING, Ladder, Policy, Step
from core.settings import Settings

__all__ = ["DEFAULT_MAX_ESCALATIONS", "DEFAULT_MAX_REPEATS", "LADDERS", "WAITING", "Ladder", "Policy", "Step",
           "snapshot"]


def snapshot(settings: Settings, urgency: str, triage_queue: bool = False) -> Policy:
    """Freeze the ladder for `urgency`; the human triage queue gets the duty desk's own accept deadline."""
    esc = settings.escalation
    ladder = esc.ladder(urgency)
    accept = Ladder(tuple(Step(s.after, tuple(s.notify)) for s in ladder.accept))
    if triage_queue:
        accept = Ladder((Step(esc.triage_accept, ("duty_officer", "supervisor")),))
    return Policy(urgency=urgency, accept=accept, close=Ladder(tuple(Step(s.after, tuple(s.notify))
                                                                     for s in ladder.close)),
                  repeat=ladder.repeat, remind_before_close=esc.remind_before_close,
                  silent_window=esc.silent_window, max_repeats=esc.max_repeats,
                  max_escalations=esc.max_per_ticket)
