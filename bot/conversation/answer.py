"""What the bot says back to one message, and the ticket it concerns."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Answer:
    """What to say back (None: stay silent) and the ticket it concerns."""

    text: str | None
    ticket_id: int | None = None
