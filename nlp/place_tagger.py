"""A character tagger for the place span: which characters of a message belong to the place.

Place names are open-ended (星际网咖, 二道街, 靠山屯北边), so a list or a regex alone misses
most of them. Each character gets a linear score from its neighbourhood (characters, bigrams
and trigrams around it, with digits and letters folded), how far it is from the end (residents
often add the place last), and whether a place regex covers it or its neighbours. The weights
are a plain {feature: weight} table; scoring reads them by n-gram (integer keys, `_Compiled`).
"""
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain, repeat
from typing import Any

import numpy as np

from nlp.place_tables import template_tables

_PAD = "^^"
_END = "$$"


def shape(ch: str) -> str:
    """Fold digits to 0 and Latin letters to A so 3栋 and 12栋 look alike."""
    if ch.isdigit():
        return "0"
    if ch.isascii() and ch.isalpha():
        return "A"
    return "_" if ch.isspace() else ch


def _bucket(n: int) -> str:
    return str(n) if n < 3 else ("s" if n < 6 else ("m" if n < 12 else "l"))


def char_features(text: str, flags: list[str]) -> list[list[str]]:
    """Feature names by template: `out[t][i]` is template t's feature for character i of `text`.

    Template-major (one list per template over the whole text) so that building and scoring
    them are a few list comprehensions and C-level maps, not Python work per character.
    """
    n = len(text)
    s = _PAD + "".join(shape(c) for c in text) + _END
    uni = [s[j] for j in range(n + 4)]
    bi = [s[j:j + 2] for j in range(n + 3)]
    tri = [s[j:j + 3] for j in range(n + 2)]
    f = ["^", *flags, "$"]
    ends = [_bucket(n - 1 - i) for i in range(n)]
    return [
        ["u0" + c for c in uni[2:n + 2]], ["u-1" + c for c in uni[1:n + 1]], ["u1" + c for c in uni[3:n + 3]],
        ["u-2" + c for c in uni[0:n]], ["u2" + c for c in uni[4:n + 4]],
        ["b-1" + c for c in bi[1:n + 1]], ["b1" + c for c in bi[2:n + 2]], ["b-2" + c for c in bi[0:n]],
        ["b2" + c for c in bi[3:n + 3]], ["t0" + c for c in tri[1:n + 1]], ["t-1" + c for c in tri[0:n]],
        ["t1" + c for c in tri[2:n + 2]], ["e" + e for e in ends], ["f0" + c for c in f[1:n + 1]],
        ["f-1" + c for c in f[0:n]], ["f1" + c for c in f[2:n + 2]],
    ]


def by_character(features: list[list[str]]) -> list[tuple[str, ...]]:
    """The same features, one tuple per character (for training)."""
    return list(zip(*features))


@dataclass
class PlaceTagger:
    """Feature weights and a bias; in-place probability per character."""

    weights: Mapping[str, float]
    bias: float
    threshold: float = 0.5
    _fast: "_Compiled | None" = field(default=None, repr=False, compare=False)

    def probabilities(self, texts: list[str], flags: list[list[str]]) -> list[list[float]]:
        """P(character is part of the place) for each character of each text (the sum char_features' names give)."""
        if self._fast is None:
            self._fast = _Compiled(self.weights)
        z = self._fast.scores(texts, flags) + self.bias
        probs = (1 / (1 + np.exp(-np.clip(z, -30.0, 30.0)))).tolist()
        out, at = [], 0
        for text in texts:
            out.append(probs[at:at + len(text)])
            at += len(text)
        return out

    def best_run(self, probs: list[float], text: str) -> tuple[int, int, float] | None:
        """The strongest run of place characters: (start, end, mean probability) or None."""
        runs, start = [], None
        for i, p in enumerate([*probs, 0.0]):
            if p >= self.threshold and start is None:
                start = i
            elif p < self.threshold and start is not None:
                runs.append((start, i))
                start = None
        scored = []
        for a, b in runs:
            while a < b and text[a].isspace():
                a += 1
            while b > a and text[b - 1].isspace():
                b -= 1
            if b - a >= 2 or (b - a == 1 and probs[a] > 0.8):
                scored.append((sum(probs[a:b]) - self.threshold * (b - a) + 0.5, a, b))
        if not scored:
            return None
        _, a, b = max(scored)
        return a, b, sum(probs[a:b]) / (b - a)

    def to_arrays(self, prefix: str = "place_") -> dict[str, Any]:
        """Plain arrays for the model file."""
        names = sorted(self.weights)
        return {prefix + "features": np.array(names), prefix + "weights": np.array([self.weights[n] for n in names],
                                                                                   dtype=np.float32),
                prefix + "bias": np.array([self.bias, self.threshold], dtype=np.float32)}

    @classmethod
    def from_arrays(cls, data: Any, prefix: str = "place_") -> "PlaceTagger":
        """Read what to_arrays wrote."""
        bias, threshold = (float(v) for v in data[prefix + "bias"])
        return cls(StoredWeights(data[prefix + "features"], data[prefix + "weights"]), bias, threshold)


class StoredWeights(Mapping[str, float]):
    """The weights as the model file holds them (names sorted, float32 beside them), read as a mapping.

    As a dict the 170,000 weights were 22 MB of Python objects in every serving process; scoring reads
    the compiled tables (_Compiled) and only compiling and the tests walk the names.
    """

    def __init__(self, names: np.ndarray, values: np.ndarray):
        self._names, self._values = names, values

    def __getitem__(self, name: str) -> float:
        at = int(np.searchsorted(self._names, name))
        if at < len(self._names) and self._names[at] == name:
            return float(self._values[at])
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names.tolist())

    def __len__(self) -> int:
        return len(self._names)

    def items(self) -> Any:  # one pass in C instead of a lookup per name
        return zip(self._names.tolist(), self._values.tolist())

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """The names and the weights as stored (compiling reads these, not a Python object per weight)."""
        return self._names, self._values


# Where each n-gram template reads, as the offset of its n-gram's start in the padded text
# ("^^" + text + "$$") from the character scored: char_features' slices, in the same order.
_OFFSETS: dict[int, tuple[tuple[str, int], ...]] = {
    1: (("u0", 2), ("u-1", 1), ("u1", 3), ("u-2", 0), ("u2", 4)), 2: (("b-1", 1), ("b1", 2), ("b-2", 0), ("b2", 3)),
    3: (("t0", 1), ("t-1", 0), ("t1", 2))}
_BUCKETS = ("0", "1", "2", "s", "m", "l")
_MARKS = {"": 0, "r": 1, "^": 2, "$": 3}  # the flag templates' values, as indices
_OPEN, _CLOSE = (_MARKS["^"],), (_MARKS["$"],)  # the marks either side of a text
# The flag templates' names: numbered like the n-grams', since "f" + "r" would be "fr" + "" (a flagged
# character and an unflagged right neighbour were one feature).
_FLAGS = ("f0", "f-1", "f1")
_NEAR_END = np.array([0, 1, 2, 3, 3, 3, 4, 4, 4, 4, 4, 4])  # _bucket(d) as an index into _BUCKETS, d < 12


class _Compiled:
    """The weights by n-gram: one row per known n-gram, one column per template that reads it."""

    def __init__(self, weights: Mapping[str, float]):
        self.alphabet, self.tables = template_tables(weights, _OFFSETS)
        self.ends = np.array([weights.get("e" + b, 0.0) for b in _BUCKETS])
        self.flag = {name: np.array([weights.get(name + v, 0.0) for v in _MARKS]) for name in _FLAGS}
        self.shapes: dict[str, int] = {}

    def _ids(self, text: str) -> np.ndarray:
        """Ids of the shape-folded text."""
        out = np.fromiter(map(self.shapes.get, text, repeat(-1)), dtype=np.int64, count=len(text))
        for i in np.flatnonzero(out < 0).tolist():  # characters not met before
            out[i] = self.alphabet.ids.get(shape(text[i]), 0)
            if len(self.shapes) < 100_000:  # any character may come; the memo stays bounded
                self.shapes[text[i]] = int(out[i])
        return out

    def scores(self, texts: list[str], flags: list[list[str]]) -> np.ndarray:
        """Each character's summed template weights (bias not included), the texts' characters one after another.

        The texts are read as one sequence, each padded as char_features pads it ("^^" text "$$"), so
        that every template is one slice of one array; no template reads past its own text's padding.
        """
        lengths = np.array([len(t) for t in texts], dtype=np.int64)
        ids = self._ids("".join(f"{_PAD}{t}{_END}" for t in texts))
        first = np.cumsum(lengths + 4) - lengths - 2  # where each text's first character sits
        at = np.repeat(first - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
        z = np.zeros(len(at))
        for size, (index, matrix, offsets) in self.tables.items():
            rows = index.find(self.alphabet.keys(ids, size))
            picked = matrix[np.where(rows < 0, len(matrix) - 1, rows)]
            for column, start in enumerate(offsets):
                z += picked[at + start - 2, column]
        to_end = np.repeat(first + lengths - 1, lengths) - at
        z += self.ends[np.where(to_end < len(_NEAR_END), _NEAR_END[np.minimum(to_end, len(_NEAR_END) - 1)],
                                len(_BUCKETS) - 1)]
        marks = np.fromiter(chain.from_iterable(chain(_OPEN, map(_MARKS.__getitem__, t), _CLOSE) for t in flags),
                            dtype=np.int64)
        own = at - 2 * np.repeat(np.arange(len(texts)), lengths) - 1  # the character's place among the marks
        for name, shift in zip(_FLAGS, (0, -1, 1)):
            z += self.flag[name][marks[own + shift]]
        return z
