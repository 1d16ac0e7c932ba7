"""What the bot says back to one message, and the ticket it concerns."""
from dataclasses import dataclass

from core.privacy import mask


@dataclass(frozen=True)
class Answer:
    """What to say back (None: stay silent) and the ticket it concerns."""

    text: str | None
    ticket_id: int | None = None
    card: str | None = None  # a card tap that did something: the tapped card's new button text
    recorded: bool = False  # on the message's row, in the transaction that acted on it (inbox.record)

    def kept(self, tap: bool) -> str | None:
        """What a retry of the same callback is answered with: for a tap, the card's new text."""
        return self.card if tap else self.text


def shown(text: str | None, in_group: bool) -> str | None:
    """The reply as it is given: everyone in a group reads it, so no full phone or ID numbers there."""
    return mask(text) if in_group and text else text
