"""A bare room or bay number written last (… 1102, … 5栋1203, … B2-118): the writer's own door as the place.

Residents often add where they are at the very end, with nothing but the number. GUIDE wants the place
as specific as the text gives it, so when nothing but a relative place (楼上, 门口) or no place at all
was found, the trailing number is the place.
"""
import re

from nlp.places import Span

_ROOM = re.compile(r"(?<![\w\-])(?!(?:110|119|120|122)\b)"  # the emergency numbers are no rooms
                   r"((?:\d{1,2}(?:栋|幢|号楼|座))?(?:[A-Za-z]座?)?\d{3,4}(?:房|室)?|[Bb]\d-\d{1,4})"
                   r"[\s。.!！~～]*$")


def trailing_room(text: str) -> Span | None:
    """The room number that ends the message, or None."""
    m = _ROOM.search(text)
    return Span(m.start(1), m.end(1), "room") if m else None
