"""What the rest of the service may ask of dispatch: the one door bot/, web/ and duties/ use (tests enforce it).

Outbox rows written by dispatch name an audience, not a WeChat API; bot/'s sender maps them:
  channel "member"            recipient = member id     → WeCom app message (or the demo phone)
  channel "resident"          recipient = resident id   → OA customer-service message / group / demo
  channel "supervisors_group" recipient = "supervisors" → the group-robot webhook
payload = {"text": str, "card": {"title", "description", "ticket_id", "number",
           "buttons": [{"key": "accept:12", "text": "接单"}, ...]} | absent}
"""
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol


@dataclass(frozen=True)
class Report:
    """A resident's report, triaged, ready to become (or join) a ticket."""

    resident_id: int
    channel: str  # mp | work | group | demo
    text: str  # masked text, possibly several messages joined
    triage: Any  # nlp.Triage
    sealed: str | None = None  # the text as written, sealed (core.privacy): stored beside it, never opened here
    chat_id: str | None = None  # the group it came from, for replies there
    inbox_id: int | None = None
    place: str | None = None  # overrides triage.location (e.g. the answer to "where?")
    grid_id: str | None = None  # overrides place resolution (registered address after a timeout)


@dataclass(frozen=True)
class Receipt:
    """What the resident is told after submitting."""

    ticket_id: int
    number: str  # GW-20261124-0012
    merged: bool  # joined an open ticket instead of creating one
    route: str  # grid | police | triage | duty_offhours
    assignee_names: list[str] = field(default_factory=list)
    emergency: bool = False


@dataclass(frozen=True)
class Outcome:
    """The answer to an action: ok or not, and a line to show the person who acted."""

    ok: bool
    message: str
    ticket_id: int | None = None
    card: str | None = None  # a card tap that did something: what the tapped card shows now ("已接单")


@dataclass(frozen=True)
class TicketView:
    """A ticket as a resident or a console sees it."""

    id: int
    number: str
    status: str
    status_text: str  # 已派单 / 处置中 / 已办结 ...
    category: str | None
    place: str | None
    created_at: datetime
    assignee_names: list[str] = field(default_factory=list)


# The caller's own writes, done in dispatch's transaction: (session, receipt) -> None. If it
# raises, nothing of the submission is kept (e.g. the report was completed elsewhere meanwhile).
AlsoInTransaction = Callable[[Any, "Receipt"], None]


class DispatchPort(Protocol):
    def submit(self, report: Report, also: AlsoInTransaction | None = None) -> Receipt:
        """Create or merge a ticket, route it, push it, start its deadlines; `also` commits with it."""

    def member_text(self, member_id: str, text: str) -> Outcome | None:
        """A worker's text command (接单 12, 办结 12 已处理 ...); None if it is not a command."""

    def act(self, member_id: str, action: str, ticket_id: int, note: str = "", card: str | None = None) -> Outcome:
        """A worker's action from a card button or a parsed command: accept|arrive|resolve|return|
        transfer_police|transfer_grid|confirm_transfer|reject_transfer, checked against the current assignment.
        `card` is the tapped card's task_id: that card is answered by the tap, the others by updates."""

    def attach_photo(self, member_id: str, url: str, ticket_id: int | None = None, ref: str | None = None,
                     voice: bool = False) -> Outcome | None:
        """A photo (or voice) from a worker: attach to `ticket_id` (the /m page knows it) or the ticket they are
        closing; `ref` names it for the copy kept later (keep_media)."""

    def reassign_in_grid(self, leader: str, ticket_id: int, member: str, note: str = "") -> Outcome:
        """A grid leader hands a non-police ticket of their grid to another worker of that grid (改派)."""

    def cancel(self, resident_id: int, number: str) -> Outcome:
        """The reporter cancels before acceptance."""

    def feedback(self, resident_id: int, satisfied: bool, reason: str = "") -> Outcome | None:
        """A 回访 answer to the resident's ticket awaiting follow-up; None if none awaits."""

    def open_tickets(self, resident_id: int) -> list[TicketView]:
        """The resident's tickets not yet closed, newest first."""

    def tick(self, now: datetime) -> int:
        """Claim and fire due deadlines; return how many fired."""

    def on_deadline(self, kind: str, handler: Callable[[Any, datetime], bool]) -> None:
        """Let another package own a deadline kind (bot/: ask_place); handler(deadline, now) -> bool."""

    def schedule(self, kind: str, subject: str, due_at: datetime, data: dict[str, Any] | None = None,
                 also: Callable[[Any], None] | None = None) -> None:
        """A deadline of a kind another package owns (on_deadline); `also(session)` commits with it."""

    def on_submitted(self, listener: Callable[[Report, Receipt], None]) -> None:
        """Let another package react to each submitted report (duties/: the watch register)."""

    def on_member_text(self, handler: Callable[[str, str], Outcome | None]) -> None:
        """Let another package answer members' texts that are not dispatch commands (见面 王奶奶)."""

    def supervise(self, actor: str, action: str, ticket_id: int, *, member: str = "", note: str = "") -> Outcome:
        """A supervisor's action: reassign|transfer_police|press|arbitrate|close."""

    def attach_resident_photo(self, resident_id: int, ticket_id: int, url: str, ref: str | None = None) -> None:
        """A reporter's photo joins their ticket and its timeline."""

    def keep_media(self, ticket_id: int, ref: str, url: str, by: str, voice: bool) -> None:
        """Our own copy of the photo or voice named `ref` replaces the sender's address (a voice not listed
        yet joins the ticket); the timeline says so."""

    def create_task(self, *, category: str, area_id: str, assignee: str, text: str, place: str | None,
                    close_within: timedelta, source: str, also: Callable[[Any, int], None] | None = None) -> int:
        """A task nobody reported (visit, duty) for `assignee`; `also(session, ticket_id)` commits with it."""

    def annotate(self, ticket_id: int, action: str, note: str, also: Callable[[Any], None] | None = None,
                 **data: Any) -> None:
        """A line in the ticket's timeline from the system; `also(session)` commits with it."""
