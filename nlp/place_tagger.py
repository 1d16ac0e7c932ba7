"""A character tagger for the place span: which characters of a message belong to the place.

Place names are open-ended (星际网咖, 二道街, 靠山屯北边), so a list or a regex alone misses
most of them. Each character gets a linear score from its neighbourhood (characters and
bigrams around it, with digits and letters folded), the jieba word it sits in, how far it is
from the end (residents often add the place last), and whether a place regex or the
gazetteer covers it. The weights are a plain {feature: weight} table, cheap to apply.
"""
import math
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


def char_features(text: str, words: list[str], flags: list[str]) -> list[list[str]]:
    """Feature names for every character of `text`; `words` tile the text; `flags[i]` is a mark or ''."""
    s = _PAD + "".join(shape(c) for c in text) + _END
    word_of = []
    for w in words:
        n = len(w)
        tag = "S" if n == 1 else None
        for k in range(n):
            pos = tag or ("B" if k == 0 else ("E" if k == n - 1 else "M"))
            word_of.append((w if 1 < n < 6 else "", pos))
    length = len(text)
    out = []
    for i in range(length):
        j = i + 2
        word, pos = word_of[i] if i < len(word_of) else ("", "S")
        out.append([
            "u0" + s[j], "u-1" + s[j - 1], "u1" + s[j + 1], "u-2" + s[j - 2], "u2" + s[j + 2],
            "b-1" + s[j - 1:j + 1], "b1" + s[j:j + 2], "b-2" + s[j - 2:j], "b2" + s[j + 1:j + 3],
            "t0" + s[j - 1:j + 2], "t-1" + s[j - 2:j + 1], "t1" + s[j:j + 3],
            "e" + _bucket(length - 1 - i), "p" + pos, "w" + word + pos, "f" + flags[i],
            "fl" + flags[i - 1] if i else "fl^", "fr" + flags[i + 1] if i + 1 < length else "fr$",
        ])
    return out


@dataclass
class PlaceTagger:
    """Feature weights and a bias; in-place probability per character."""

    weights: dict[str, float]
    bias: float
    threshold: float = 0.5

    def probabilities(self, features: list[list[str]]) -> list[float]:
        """P(character is part of the place) for each character."""
        get, zeros = self.weights.get, repeat(0.0)
        out = []
        for feats in features:
            z = self.bias + sum(map(get, feats, zeros))
            out.append(1 / (1 + math.exp(-max(-30.0, min(30.0, z)))))
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
        names = [str(n) for n in data[prefix + "features"]]
        return cls(dict(zip(names, data[prefix + "weights"].tolist())), bias, threshold)
