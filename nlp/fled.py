"""Where someone fled or hid is not the scene (GUIDE): 往大街那边跑了, 跑进了后面的小区, 躲在厕所里.

A place is taken as a destination when a word of going towards comes right before it and a verb of
going comes right after (往…跑, 向…走咗), or when a verb of running or hiding into leads it. Not 钻进: a
snake that crawled into the flower bed is there now, and that is where to go.
"""
import re

_TOWARDS = re.compile(r"(?:往|向|朝)[^\W的了在]{0,2}$")  # the tagger's run may start a character or two into the name
_GOING = re.compile(r"(?:那边|这边|方向|那头|嗰边|边)?(?:跑|走|去|逃|开|溜|冲|窜)")  # 边: the run took 那/嗰
_INTO = re.compile(r"(?:跑进了?|跑到|跑去|逃到|逃进了?|逃去|躲进了?|躲到|躲在|溜进了?)$")


def fled_to(text: str, start: int, end: int) -> bool:
    """True when text[start:end] is where someone went, ran or hid, not where it happened."""
    before = text[max(0, start - 4):start]
    return bool(_INTO.search(before) or (_TOWARDS.search(before) and _GOING.match(text, end)))
