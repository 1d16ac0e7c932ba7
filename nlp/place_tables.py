"""The place tagger's n-gram weights as tables, built from the model file's arrays in numpy.

Splitting 240,000 feature names into template and n-gram one string at a time built dicts of
dicts of Python strings and floats: 60 MB held for a second while a serving process started,
its peak resident memory. Here the names are read as a block of code points (a numpy unicode
array viewed as integers), so nothing per feature is a Python object.
"""
from collections.abc import Mapping

import numpy as np

from nlp.ngrams import Alphabet, GramIndex

Offsets = dict[int, tuple[tuple[str, int], ...]]  # n-gram length → (template name, where it reads) per column
Table = tuple[GramIndex, np.ndarray, list[int]]  # the known n-grams, their weights (a row each), the offsets


def as_arrays(weights: Mapping[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """Feature names (a unicode array) and their weights (float32 as the model file holds them, or float64)."""
    stored = getattr(weights, "arrays", None)
    if stored is not None:
        names, values = stored()
        return names, values
    return (np.array(list(weights), dtype=np.str_),
            np.fromiter(weights.values(), dtype=np.float64, count=len(weights)))


def template_tables(weights: Mapping[str, float], offsets: Offsets) -> tuple[Alphabet, dict[int, Table]]:
    """One table per n-gram length: a row per known n-gram (sorted, as its key sorts), a column per template.

    A feature counts for template `name` when it is `name` followed by exactly that template's n characters
    (the name is its first three characters when the second is "-", else its first two). Arrays of one
    byte a feature where they can be: whatever is made here for every feature is start-up's peak.
    """
    names, values = as_arrays(weights)
    length = np.minimum(np.char.str_len(names), 127).astype(np.int8)  # what len() gives each name (to 127)
    codes = _code_points(names, 4)
    dash = codes[:, 1] == ord("-")
    found: dict[int, list[tuple[int, np.ndarray, np.ndarray]]] = {n: [] for n in offsets}  # column, grams, weights
    for n, spec in offsets.items():
        for column, (name, _) in enumerate(spec):
            head = np.array([ord(c) for c in name], dtype=np.uint32)
            match = (length == len(name) + n) & (dash == (len(name) == 3))
            match &= (codes[:, :len(name)] == head).all(axis=1)
            found[n].append((column, codes[match, len(name):len(name) + n], values[match]))
    del length, dash
    known = [grams for parts in found.values() for _, grams, _ in parts]
    chars = np.unique(np.concatenate([g.ravel() for g in known])) if known else np.zeros(0, dtype=np.uint32)
    del known
    alphabet = Alphabet(chr(c) for c in chars.tolist())  # ids by code point: what sorting the characters gives
    tables: dict[int, Table] = {}
    for n in offsets:
        index, matrix = _table(alphabet, chars, found.pop(n), len(offsets[n]))
        tables[n] = (index, matrix, [start for _, start in offsets[n]])
    return alphabet, tables


def _code_points(names: np.ndarray, least: int) -> np.ndarray:
    """The names' characters as a (names, width) block of code points, zero past each name's end: a view of the
    array itself when it is at least `least` characters wide (a copy then would be one more transient)."""
    width = names.dtype.itemsize // 4
    view = np.ascontiguousarray(names).view(np.uint32).reshape(len(names), width)
    if width >= least:
        return view
    codes = np.zeros((len(names), least), dtype=np.uint32)
    codes[:, :width] = view
    return codes


def _table(alphabet: Alphabet, chars: np.ndarray, parts: list[tuple[int, np.ndarray, np.ndarray]],
           columns: int) -> tuple[GramIndex, np.ndarray]:
    """The sorted keys of one length's n-grams and their weight rows (plus a last row of zeros, for unknown ones)."""
    keys = np.concatenate([_keys(alphabet, chars, grams) for _, grams, _ in parts])
    column = np.concatenate([np.full(len(grams), c, dtype=np.int8) for c, grams, _ in parts])
    weight = np.concatenate([w for _, _, w in parts])
    unique, row = np.unique(keys, return_inverse=True)
    matrix = np.zeros((len(unique) + 1, columns))  # float64: a float32 weight is widened exactly
    matrix[row.ravel(), column] = weight
    return GramIndex(unique.astype(np.int64), np.arange(len(unique), dtype=np.int64)), matrix


def _keys(alphabet: Alphabet, chars: np.ndarray, grams: np.ndarray) -> np.ndarray:
    """Each n-gram's integer key (Alphabet.key of its characters), for a block of code points."""
    out = np.zeros(len(grams), dtype=np.int64)
    for k in range(grams.shape[1]):  # a column at a time: no (n-grams, n) block of ids
        out *= alphabet.base
        out += np.searchsorted(chars, grams[:, k]) + 1
    return out
