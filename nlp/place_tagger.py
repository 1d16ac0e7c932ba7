"""A character tagger for the place span: which characters of a message belong to the place.

Place names are open-ended (星际网咖, 二道街, 靠山屯北边), so a list or a regex alone misses
most of them. Each character gets a linear score from its neighbourhood (characters, bigrams
and trigrams around it, with digits and letters folded), how far it is from the end (residents
often add the place last), and whether a place regex covers it or its neighbours. The weights
are a plain {feature: weight} table, cheap to apply.
"""
from dataclasses import dataclass
from itertools import repeat
from typing import Any

import numpy as np

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
        ["t1" + c for c in tri[2:n + 2]], ["e" + e for e in ends], ["f" + c for c in f[1:n + 1]],
        ["fl" + c for c in f[0:n]], ["fr" + c for c in f[2:n + 2]],
    ]


def by_character(features: list[list[str]]) -> list[tuple[str, ...]]:
    """The same features, one tuple per character (for training)."""
    return list(zip(*features))


@dataclass
class PlaceTagger:
    """Feature weights and a bias; in-place probability per character."""

    weights: dict[str, float]
    bias: float
    threshold: float = 0.5

    def probabilities(self, features: list[list[str]]) -> list[float]:
        """P(character is part of the place) for each character (features as char_features gives them)."""
        if not features or not features[0]:
            return []
        n = len(features[0])
        flat = [f for template in features for f in template]  # one C-level map over every feature
        z = np.fromiter(map(self.weights.get, flat, repeat(0.0)), dtype=np.float64, count=len(flat))
        z = z.reshape(len(features), n).sum(axis=0) + self.bias
        probs: list[float] = (1 / (1 + np.exp(-np.clip(z, -30.0, 30.0)))).tolist()
        return probs

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
        names = [str(n) for n in data[prefix + "features"]]
        return cls(dict(zip(names, data[prefix + "weights"].tolist())), bias, threshold)
