"""The learned part: character n-grams and jieba words into linear models, stored as plain arrays.

Three heads: is it a report, which of 18 categories, which urgency. The file holds only
vocabularies, IDF weights and coefficients (numpy .npz, no pickle), so it loads the same
with any scikit-learn version and stays small enough to live in the repository.
"""
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from nlp.place_tagger import PlaceTagger

DEFAULT_PATH = Path(__file__).resolve().parent / "model" / "triage.npz"
HEADS = ("report", "category", "urgency")
_SPACES = re.compile(r"\s\s+")  # sklearn folds runs of whitespace before taking n-grams


def _char_vectorizer(**kw: Any) -> TfidfVectorizer:
    return TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, dtype=np.float32, **kw)


def _word_vectorizer(**kw: Any) -> TfidfVectorizer:
    return TfidfVectorizer(analyzer=lambda words: words, sublinear_tf=True, dtype=np.float32, **kw)


@dataclass
class LinearHead:
    """A multinomial (or binary) linear classifier as arrays."""

    classes: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray

    def proba(self, x: Any) -> np.ndarray:
        """Class probabilities for each row of the feature matrix."""
        scores = np.asarray(x @ self.coef.T) + self.intercept
        if len(self.classes) == 2 and scores.shape[1] == 1:
            p = 1 / (1 + np.exp(-scores[:, 0]))
            return np.column_stack([1 - p, p])
        scores -= scores.max(axis=1, keepdims=True)
        e = np.exp(scores)
        probabilities: np.ndarray = e / e.sum(axis=1, keepdims=True)
        return probabilities


class TriageModel:
    """Featurizer plus the three heads."""

    def __init__(self, chars: TfidfVectorizer, words: TfidfVectorizer, heads: dict[str, LinearHead],
                 places: PlaceTagger | None = None):
        self.chars, self.words, self.heads, self.places = chars, words, heads, places
        self._index: tuple[dict[str, int], np.ndarray, dict[str, int], np.ndarray, int] | None = None

    def features(self, texts: list[str], tokens: list[list[str]]) -> csr_matrix:
        """The sparse feature matrix for clean texts and their words (same values as sklearn's transform).

        Computed directly from the vocabularies: scikit-learn's transform costs ~2 ms per call
        whatever the batch size, which is most of the time of classifying one message.
        """
        if self._index is None:
            self._index = (self.chars.vocabulary_, np.asarray(self.chars.idf_, dtype=np.float32),
                           self.words.vocabulary_, np.asarray(self.words.idf_, dtype=np.float32),
                           len(self.chars.vocabulary_))
        chars, char_idf, words, word_idf, offset = self._index
        data: list[float] = []
        indices: list[int] = []
        indptr = [0]
        for text, toks in zip(texts, tokens):
            text = _SPACES.sub(" ", text.lower())
            grams = (text[i:i + n] for n in (1, 2, 3) for i in range(len(text) - n + 1))
            for vocab, idf, items, shift in ((chars, char_idf, grams, 0), (words, word_idf, toks, offset)):
                counts: dict[int, int] = {}
                for item in items:
                    j = vocab.get(item)
                    if j is not None:
                        counts[j] = counts.get(j, 0) + 1
                if counts:
                    cols = np.fromiter(counts, dtype=np.int64, count=len(counts))
                    vals = (1 + np.log(np.fromiter(counts.values(), dtype=np.float32, count=len(counts)))) * idf[cols]
                    vals /= np.sqrt(np.dot(vals, vals))
                    indices.extend((cols + shift).tolist())
                    data.extend(vals.tolist())
            indptr.append(len(indices))
        return csr_matrix((np.array(data, dtype=np.float32), np.array(indices, dtype=np.int64), np.array(indptr)),
                          shape=(len(texts), offset + len(words)))

    @classmethod
    def train(cls, texts: list[str], tokens: list[list[str]], is_report: list[bool], categories: list[str | None],
              urgencies: list[str | None], c: float = 8.0) -> "TriageModel":
        """Fit the featurizer on every text, the report head on all, the other heads on reports."""
        chars, words = _char_vectorizer(min_df=2, max_features=60000), _word_vectorizer(min_df=1)
        x = hstack([chars.fit_transform(texts), words.fit_transform(tokens)]).tocsr()
        reports = np.array(is_report, dtype=bool)
        heads = {"report": _fit(x, np.array(is_report).astype(int), c)}
        heads["category"] = _fit(x[reports], np.array(categories, dtype=object)[reports], c)
        heads["urgency"] = _fit(x[reports], np.array(urgencies, dtype=object)[reports], c)
        return cls(chars, words, heads)

    def save(self, path: Path = DEFAULT_PATH) -> None:
        """Write vocabularies, IDF and coefficients to one compressed .npz."""
        arrays: dict[str, Any] = {
            "chars_vocab": json.dumps({k: int(v) for k, v in self.chars.vocabulary_.items()}, ensure_ascii=False),
            "words_vocab": json.dumps({k: int(v) for k, v in self.words.vocabulary_.items()}, ensure_ascii=False),
            "chars_idf": self.chars.idf_.astype(np.float32), "words_idf": self.words.idf_.astype(np.float32)}
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
            chars = _char_vectorizer(vocabulary=json.loads(str(data["chars_vocab"])))
            words = _word_vectorizer(vocabulary=json.loads(str(data["words_vocab"])))
            chars.idf_, words.idf_ = data["chars_idf"], data["words_idf"]
            heads = {name: LinearHead(data[f"{name}_classes"], data[f"{name}_coef"], data[f"{name}_intercept"])
                     for name in HEADS}
            places = PlaceTagger.from_arrays(data) if "place_bias" in data.files else None
        return cls(chars, words, heads, places)


def _fit(x: Any, y: np.ndarray, c: float) -> LinearHead:
    model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
    model.fit(x, y)
    return LinearHead(model.classes_, model.coef_.astype(np.float32), model.intercept_.astype(np.float32))
