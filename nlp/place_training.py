"""Fit the place tagger from labelled messages whose place span is known."""
from collections import Counter

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

from nlp.place_tagger import PlaceTagger


def char_labels(clean_len: int, origin: tuple[int, ...], original: str, location: str | None) -> list[int]:
    """1 for each clean character that came from the labelled place span in the original text."""
    labels = [0] * clean_len
    if not location:
        return labels
    start = original.find(location)
    if start < 0:
        return labels
    end = start + len(location)
    for i, o in enumerate(origin[:clean_len]):
        if start <= o < end:
            labels[i] = 1
    return labels


def fit_tagger(features: list[list[list[str]]], labels: list[list[int]], c: float = 0.5,
               min_count: int = 2) -> PlaceTagger:
    """Logistic regression over every character; features seen fewer than `min_count` times are dropped."""
    counts = Counter(f for message in features for feats in message for f in feats)
    vocab = {f: i for i, f in enumerate(sorted(f for f, n in counts.items() if n >= min_count))}
    indices: list[int] = []
    indptr = [0]
    y: list[int] = []
    for message, marks in zip(features, labels):
        for feats, mark in zip(message, marks):
            indices.extend(vocab[f] for f in feats if f in vocab)
            indptr.append(len(indices))
            y.append(mark)
    x = csr_matrix((np.ones(len(indices), dtype=np.float32), np.array(indices), np.array(indptr)),
                   shape=(len(y), len(vocab)))
    model = LogisticRegression(C=c, max_iter=2000, solver="liblinear")
    model.fit(x, np.array(y))
    names = sorted(vocab, key=lambda name: vocab[name])
    weights = {n: float(w) for n, w in zip(names, model.coef_[0]) if abs(w) > 1e-3}
    return PlaceTagger(weights, float(model.intercept_[0]))
