"""What the bot says back to one message, and the ticket it concerns."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Answer:
    """What to say back (None: stay silent) and the ticket it concerns."""

    text: str | None
    ticket_id: int | None = None
    card: str | None = None  # a card tap that did something: the tapped card's new button text

    def kept(self, tap: bool) -> str | None:
        """What a retry of the same callback is answered with: for a tap, the card's new text."""
        return self.card if tap else self.text
