"""Which of a few hundred terms a message holds, without trying each one.

Trying `term in text` for every term of every list was most of the rules' cost; here a term is
tried only when its first character occurs in the text (its first two characters cost more to
gather than they spared).
"""
from collections.abc import Hashable, Mapping, Sequence
from typing import Generic, TypeVar

Name = TypeVar("Name", bound=Hashable)


class TermIndex(Generic[Name]):
    """Named lists of terms, looked up together."""

    def __init__(self, lists: Mapping[Name, Sequence[str]]):
        self.where: dict[str, list[tuple[Name, int]]] = {}  # term → (list, position) wherever it stands
        for name, terms in lists.items():
            for position, term in enumerate(terms):
                if not term:
                    raise ValueError(f"an empty term in {name!r}")
                self.where.setdefault(term, []).append((name, position))
        self.by_start: dict[str, list[tuple[str, list[tuple[Name, int]]]]] = {}
        for term, places in self.where.items():
            self.by_start.setdefault(term[0], []).append((term, places))
        self.starts = frozenset(self.by_start)

    def found(self, text: str) -> dict[Name, list[str]]:
        """Each list's terms that occur in `text`, in the list's order (what `[t for t in terms if t in text]`
        gives); lists with none are left out."""
        hits: dict[Name, list[tuple[int, str]]] = {}
        for start in self.starts.intersection(text):  # not set(text) & starts: no set of every character
            for term, places in self.by_start[start]:
                if term in text:
                    for name, position in places:
                        hits.setdefault(name, []).append((position, term))
        return {name: [term for _, term in sorted(pairs)] for name, pairs in hits.items()}
