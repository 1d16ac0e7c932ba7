"""The learned part: character n-grams and feature tokens into linear heads, stored as plain arrays.

One sparse matrix per batch: character n-grams of the masked text (TF-IDF), tokens (category-lexicon
marks and toneless pinyin bigrams, TF-IDF; no word segmentation) and a binary block of
live-or-talked-about cues (nlp/cues.py). Five linear heads read it: report or not; police matter or
not and emergency or not, both fitted against every message (chat included, so an alarm word in a
joke is a negative); category (18, among reports, fitted on the text alone: its cue columns are
zero); urgency (3, among reports). The file holds only vocabularies, IDF weights, coefficients,
decision thresholds, the place tagger's weights and the ids of the labelled rows it learnt from
(numpy .npz, no pickle): it loads without scikit-learn, the same with any version, and stays small
enough to live in the repository. N-grams are looked up by integer keys (nlp/ngrams.py).
"""
import json
import re
from dataclasses import dataclass, field
from itertools import chain, repeat
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix

from nlp.ngrams import Alphabet
from nlp.place_tagger import PlaceTagger

DEFAULT_PATH = Path(__file__).resolve().parent / "model" / "triage.npz"
HEADS = ("report", "category", "urgency", "emergency", "police")
_SPACES = re.compile(r"\s\s+")  # sklearn folds runs of whitespace before taking n-grams


@dataclass
class LinearHead:
    """A multinomial (or binary) linear classifier as arrays."""

    classes: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    # coef.T laid out by row: a sparse matrix times a transposed view copied the whole matrix on every call
    by_feature: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.by_feature = np.ascontiguousarray(self.coef.T)
        self.coef = self.by_feature.T  # the same numbers, held once (the heads' copies were 6 MB)

    def proba(self, x: csr_matrix) -> np.ndarray:
        """Class probabilities for each row of the feature matrix."""
        scores = np.asarray(x @ self.by_feature) + self.intercept
        if len(self.classes) == 2 and scores.shape[1] == 1:
            p = 1 / (1 + np.exp(-scores[:, 0]))
            return np.column_stack([1 - p, p])
        scores -= scores.max(axis=1, keepdims=True)
        e = np.exp(scores)
        probabilities: np.ndarray = e / e.sum(axis=1, keepdims=True)
        return probabilities

    def named(self, x: csr_matrix) -> list[dict[str, float]]:
        """Per row, {class: probability}."""
        names = [str(c) for c in self.classes]
        return [dict(zip(names, row)) for row in self.proba(x).tolist()]


Entries = tuple[np.ndarray, np.ndarray, np.ndarray]  # rows, columns, values of a sparse block, by row then column


@dataclass
class Vocabulary:
    """Feature → column, and each column's IDF weight (what TfidfVectorizer learnt, without it)."""

    index: dict[str, int]
    idf: np.ndarray

    def matrix(self, items: list[list[str]]) -> csr_matrix:
        """One row per list of items: l2-normalised sublinear TF-IDF, or present-or-not for a binary block."""
        return stacked([self.entries(items)], [len(self.index)], len(items))

    def entries(self, items: list[list[str]]) -> Entries:
        """The same as (row, column, value) arrays."""
        lengths = [len(row) for row in items]
        found = np.fromiter(map(self.index.get, chain.from_iterable(items), repeat(-1)), dtype=np.int64,
                            count=sum(lengths))
        rows = np.repeat(np.arange(len(items)), lengths)
        keep = found >= 0
        return weighted(rows[keep], found[keep], self.idf, len(items), len(self.index))


def weighted(rows: np.ndarray, cols: np.ndarray, idf: np.ndarray, n_rows: int, width: int) -> Entries:
    """Occurrences (row, column) as TF-IDF rows (binary when `idf` is empty), what sklearn computes."""
    key, counts = np.unique(rows * width + cols, return_counts=True)
    rows, cols = key // width, key % width
    if len(idf):  # sublinear TF times IDF, each row scaled to unit length
        values = (1 + np.log(counts.astype(np.float32))) * idf[cols]
        values /= np.sqrt(np.bincount(rows, weights=values * values, minlength=n_rows))[rows].astype(np.float32)
    else:  # a binary block: present or not, whatever the length
        values = np.ones(len(key), dtype=np.float32)
    return rows, cols, values


def stacked(blocks: list[Entries], widths: list[int], n_rows: int) -> csr_matrix:
    """Blocks side by side as one CSR matrix, built directly (scipy's hstack cost more than the rest for one message)."""
    offsets = np.cumsum([0, *widths[:-1]])
    rows = np.concatenate([b[0] for b in blocks])
    cols = np.concatenate([b[1] + offset for b, offset in zip(blocks, offsets)])
    values = np.concatenate([b[2] for b in blocks]).astype(np.float32)
    order = np.argsort(rows, kind="stable")  # each block is sorted by row then column, and the blocks go left to right
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n_rows))])
    return csr_matrix((values[order], cols[order], indptr), shape=(n_rows, sum(widths)))


class CharGrams:
    """A text's character n-grams found in a Vocabulary of them, by integer keys (see nlp/ngrams.py)."""

    def __init__(self, vocabulary: Vocabulary):
        self.vocabulary = vocabulary
        self.alphabet = Alphabet(vocabulary.index)
        self.tables = self.alphabet.index(vocabulary.index)

    def entries(self, texts: list[str]) -> Entries:
        """The TF-IDF of each text's n-grams, all texts in one pass (a 0 id between them: no n-gram spans two)."""
        lengths = np.array([len(t) + 1 for t in texts], dtype=np.int64)
        ids = self.alphabet.of("".join(t + "\0" for t in texts))
        ids[np.cumsum(lengths) - 1] = 0
        row_at = np.repeat(np.arange(len(texts)), lengths)
        rows, cols = [], []
        for n, table in self.tables.items():
            found = table.find(self.alphabet.keys(ids, n))
            keep = found >= 0
            rows.append(row_at[:len(found)][keep])
            cols.append(found[keep])
        return weighted(np.concatenate(rows), np.concatenate(cols), self.vocabulary.idf, len(texts),
                        len(self.vocabulary.index))

    def matrix(self, texts: list[str]) -> csr_matrix:
        """One TF-IDF row per text."""
        return stacked([self.entries(texts)], [len(self.vocabulary.index)], len(texts))


@dataclass
class TriageModel:
    """Featurizer, the three heads, the place tagger and the decision thresholds."""

    chars: Vocabulary
    tokens: Vocabulary
    cues: Vocabulary  # binary: a cue weighs the same in a long message as in a short one
    heads: dict[str, LinearHead]
    places: PlaceTagger | None = None
    thresholds: dict[str, float] = field(default_factory=dict)
    trained_ids: list[str] = field(default_factory=list)
    _grams: CharGrams | None = field(default=None, repr=False, compare=False)

    def features(self, texts: list[str], tokens: list[list[str]], cues: list[list[str]]) -> csr_matrix:
        """The sparse feature matrix: character n-grams of each clean text, its tokens, its cues."""
        if self._grams is None:
            self._grams = CharGrams(self.chars)
        clean = [_SPACES.sub(" ", text.lower()) for text in texts]
        return stacked([self._grams.entries(clean), self.tokens.entries(tokens), self.cues.entries(cues)],
                       [len(self.chars.index), len(self.tokens.index), len(self.cues.index)], len(texts))

    def save(self, path: Path = DEFAULT_PATH) -> None:
        """Write everything to one compressed .npz of plain arrays."""
        arrays: dict[str, Any] = {"chars_vocab": json.dumps(self.chars.index, ensure_ascii=False),
                  "words_vocab": json.dumps(self.tokens.index, ensure_ascii=False),
                  "chars_idf": self.chars.idf.astype(np.float32), "words_idf": self.tokens.idf.astype(np.float32),
                  "cues_vocab": json.dumps(self.cues.index, ensure_ascii=False),
                  "thresholds": json.dumps(self.thresholds), "trained_ids": json.dumps(sorted(self.trained_ids))}
        for name, head in self.heads.items():
            arrays[f"{name}_classes"] = np.array([str(c) for c in head.classes])
            arrays[f"{name}_coef"] = head.coef.astype(np.float32)
            arrays[f"{name}_intercept"] = head.intercept.astype(np.float32)
        if self.places is not None:
            arrays.update(self.places.to_arrays())
        path.parent.mkdir(parents=True, exist_ok=True)
        stored: dict[str, Any] = {k: (np.array(v) if isinstance(v, str) else v) for k, v in arrays.items()}
        np.savez_compressed(path, **stored)

    @classmethod
    def load(cls, path: Path = DEFAULT_PATH) -> "TriageModel":
        """Read a model written by save()."""
        with np.load(path, allow_pickle=False) as data:
            chars = Vocabulary(json.loads(str(data["chars_vocab"])), data["chars_idf"])
            tokens = Vocabulary(json.loads(str(data["words_vocab"])), data["words_idf"])
            cues = Vocabulary(json.loads(str(data["cues_vocab"])), np.zeros(0, dtype=np.float32))
            heads = {name: LinearHead(data[f"{name}_classes"], data[f"{name}_coef"], data[f"{name}_intercept"])
                     for name in HEADS}
            places = PlaceTagger.from_arrays(data) if "place_bias" in data.files else None
            extra = {k: json.loads(str(data[k])) for k in ("thresholds", "trained_ids") if k in data.files}
        return cls(chars, tokens, cues, heads, places, extra.get("thresholds", {}), extra.get("trained_ids", []))
