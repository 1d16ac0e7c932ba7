"""The learned part: character n-grams and feature tokens into linear heads, stored as plain arrays.

Three heads: is it a report, which of 18 categories, which urgency. Tokens are jieba words,
category-lexicon marks, pinyin bigrams and the live-or-talked-about cues (nlp/features.py).
The file holds only vocabularies, IDF weights, coefficients, decision thresholds and the ids
of the labelled rows it learnt from (numpy .npz, no pickle): it loads without scikit-learn,
the same with any version, and stays small enough to live in the repository.
"""
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix

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

    def proba(self, x: csr_matrix) -> np.ndarray:
        """Class probabilities for each row of the feature matrix."""
        scores = np.asarray(x @ self.coef.T) + self.intercept
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


@dataclass
class Vocabulary:
    """Feature → column, and each column's IDF weight (what TfidfVectorizer learnt, without it)."""

    index: dict[str, int]
    idf: np.ndarray

    def weigh(self, items: Iterable[str], shift: int, indices: list[int], data: list[float]) -> None:
        """Append the l2-normalised sublinear TF-IDF of `items` (columns offset by `shift`)."""
        counts = Counter(j for j in map(self.index.get, items) if j is not None)
        if counts and not len(self.idf):  # a binary block: present or not, whatever the length
            indices.extend(sorted(j + shift for j in counts))
            data.extend([1.0] * len(counts))
        elif counts:
            cols = np.fromiter(counts, dtype=np.int64, count=len(counts))
            vals = (1 + np.log(np.fromiter(counts.values(), dtype=np.float32, count=len(counts)))) * self.idf[cols]
            vals /= np.sqrt(np.dot(vals, vals))
            indices.extend((cols + shift).tolist())
            data.extend(vals.tolist())


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

    def features(self, texts: list[str], tokens: list[list[str]], cues: list[list[str]]) -> csr_matrix:
        """The sparse feature matrix: character 1-3-grams of each clean text, its tokens, its cues."""
        data: list[float] = []
        indices: list[int] = []
        indptr = [0]
        offset = len(self.chars.index)
        cue_offset = offset + len(self.tokens.index)
        for text, toks, marks in zip(texts, tokens, cues):
            text = _SPACES.sub(" ", text.lower())
            self.chars.weigh([*text, *(text[i:i + 2] for i in range(len(text) - 1)),
                              *(text[i:i + 3] for i in range(len(text) - 2))], 0, indices, data)
            self.tokens.weigh(toks, offset, indices, data)
            self.cues.weigh(marks, cue_offset, indices, data)
            indptr.append(len(indices))
        return csr_matrix((np.array(data, dtype=np.float32), np.array(indices, dtype=np.int64), np.array(indptr)),
                          shape=(len(texts), cue_offset + len(self.cues.index)))

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
