"""Character n-grams as integer keys: one dict lookup per character, the rest in numpy.

Building every n-gram as a string and looking each up was most of classify's time. Here each
character becomes a small id (0 for a character no known n-gram holds), an n-gram's key is
its ids read as digits in base `len(alphabet) + 1`, and a sorted array of the known keys finds
them all at once. Keys of different lengths live in different tables, so `ab` never meets `a`.
"""
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import repeat

import numpy as np


@dataclass
class GramIndex:
    """Known n-grams of one length: their keys, sorted, and the row each key stands for."""

    keys: np.ndarray
    rows: np.ndarray

    def find(self, keys: np.ndarray) -> np.ndarray:
        """The row of each key, -1 where the n-gram is not known."""
        if not len(self.keys) or not len(keys):
            return np.full(len(keys), -1, dtype=np.int64)
        # the keys searched in sorted order: each search then starts where the last one ended, and a
        # batch's thousands of keys are found 2-3x faster than in text order, sort included
        order = np.argsort(keys)
        at = np.empty(len(keys), dtype=np.int64)
        at[order] = np.minimum(np.searchsorted(self.keys, keys[order]), len(self.keys) - 1)
        return np.where(self.keys[at] == keys, self.rows[at], -1)


class Alphabet:
    """Character → id (from 1), for the characters of a set of n-grams."""

    def __init__(self, grams: Iterable[str]):
        chars = sorted({ch for gram in grams for ch in gram})
        self.ids = {ch: i for i, ch in enumerate(chars, 1)}
        self.base = len(chars) + 1

    def of(self, text: str) -> np.ndarray:
        """The id of each character of `text` (0 for one no n-gram holds)."""
        return np.fromiter(map(self.ids.get, text, repeat(0)), dtype=np.int64, count=len(text))

    def key(self, gram: str) -> int:
        """The integer key of one n-gram (every character must be in the alphabet)."""
        out = 0
        for ch in gram:
            out = out * self.base + self.ids[ch]
        return out

    def keys(self, ids: np.ndarray, n: int) -> np.ndarray:
        """The key of every n-gram of a sequence of ids (len(ids) - n + 1 of them)."""
        count = len(ids) - n + 1
        if count <= 0:
            return np.zeros(0, dtype=np.int64)
        out = ids[:count].copy()
        for k in range(1, n):
            out = out * self.base + ids[k:k + count]
        return out

    def index(self, grams: dict[str, int]) -> dict[int, GramIndex]:
        """Per n-gram length, the sorted keys of `grams` ({gram: row}) and their rows."""
        by_length: dict[int, list[tuple[int, int]]] = {}
        for gram, row in grams.items():
            by_length.setdefault(len(gram), []).append((self.key(gram), row))
        out = {}
        for n, pairs in by_length.items():
            pairs.sort()
            out[n] = GramIndex(np.array([k for k, _ in pairs], dtype=np.int64), np.array([r for _, r in pairs],
                                                                                          dtype=np.int64))
        return out
