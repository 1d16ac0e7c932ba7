"""A case-insensitive alternation searched as two: the alternatives the engine can scan for, and the rest.

re scans ahead for a pattern's possible first characters only when every alternative starts with a
plain, caseless character; one `hhh` (cased under IGNORECASE) or `\\d+岁` among fifty Chinese words
made it try all fifty at every character. Split, the Chinese words are scanned for and the few
others tried alone. Which alternative goes where changes only the speed: together they find a match
exactly where the whole pattern does.
"""
import re
from collections.abc import Callable

_SPECIAL = "\\([.^$"
_OPTIONAL = ("?", "*", "{")  # a first character that may be absent is no first character


def scannable_search(pattern: str) -> Callable[[str], object]:
    """A function whose answer is true when `pattern` (compiled with IGNORECASE) matches somewhere in a text."""
    plain: list[str] = []
    rest: list[str] = []
    for alternative in _alternatives(pattern):
        (plain if _scanned(alternative) else rest).append(alternative)
    parts = [re.compile("|".join(part), re.IGNORECASE).search for part in (plain, rest) if part]
    if len(parts) == 1:
        return parts[0]
    first, second = parts
    return lambda text: first(text) or second(text)


def _scanned(alternative: str) -> bool:
    """Whether the alternative starts with one plain character the engine can scan for (`\\?` is one)."""
    size = 2 if alternative[:1] == "\\" and not alternative[1:2].isalnum() else 1
    first = alternative[size - 1:size]
    return bool(first) and (size == 2 or first not in _SPECIAL) and first.lower() == first.upper() \
        and alternative[size:size + 1] not in _OPTIONAL


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of `pattern`; the whole pattern when it holds a character class
    (splitting inside one would change what it means)."""
    if "[" in pattern:
        return [pattern]
    out, depth, start, i = [], 0, 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 1  # the escaped character is no bracket and no bar
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    return [*out, pattern[start:]]
