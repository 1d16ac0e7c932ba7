"""From labelled rows to a saved model: prepare each message the way classify will, then fit."""
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.sparse import diags

from core.privacy import mask
from nlp.classifier import DEFAULTS
from nlp.features import read_message
from nlp.locate import regex_flags, window
from nlp.model import LinearHead, TriageModel, Vocabulary
from nlp.normalize import normalize
from nlp.place_tagger import PlaceTagger, by_character, char_features
from nlp.place_training import char_labels, fit_tagger
from nlp.script import make_t2s

URGENCY_WEIGHTS = {"emergency": 3.0, "urgent": 1.0, "normal": 1.0}  # per-class cost in the urgency head's loss


@dataclass
class Prepared:
    """One message as the model sees it."""

    masked: str
    tokens: list[str]
    cues: list[str]
    place_features: list[tuple[str, ...]]
    place_labels: list[int]


class Preparer:
    """Normalise, mask and featurise rows; remembers each text so folds share the work."""

    def __init__(self) -> None:
        self.t2s = make_t2s()
        self.done: dict[tuple[str, str | None], Prepared] = {}

    def __call__(self, rows: list[dict[str, Any]], progress: bool = True) -> list[Prepared]:
        from tqdm import tqdm

        out: list[Prepared] = []
        for row in tqdm(rows, desc="准备训练数据", unit="条", file=sys.stderr, disable=not progress):
            key = (row["text"], row.get("location"))
            if key not in self.done:
                self.done[key] = self._one(row)
            out.append(self.done[key])
        return out

    def _one(self, row: dict[str, Any]) -> Prepared:
        norm = normalize(row["text"], self.t2s)
        masked = mask(norm.text)
        read = read_message(masked)
        clean, _ = window(norm.text)
        features = by_character(char_features(clean, regex_flags(clean)))
        labels = char_labels(len(clean), norm.origin, norm.original, row.get("location"))
        return Prepared(masked, read.tokens, read.cues, features, labels)


VOICE_WEIGHT = 4.0  # a message written by one of many hands counts more than a templated seed variant
TEMPLATED_WEIGHT = 0.1


# Inverse regularisation per head, chosen leave-one-voice-out: the emergency head gains precision at the
# same recall with less regularisation (0.714 → 0.740 at recall 0.906); the others are best at 8.
HEAD_C = {"report": 8.0, "category": 8.0, "urgency": 8.0, "emergency": 32.0, "police": 8.0}


def train_model(rows: list[dict[str, Any]], progress: bool = True, preparer: Preparer | None = None) -> TriageModel:
    """Fit the five text heads on all rows (but `place_only` ones) and the place tagger on the reports."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer

    prepared = (preparer or Preparer())(rows, progress)
    places = fit_places([p for p, r in zip(prepared, rows) if r["is_report"]])
    # rows written for the place tagger's sake (`place_only`) leave the heads as the figures set them
    kept = for_heads(rows)
    prepared, rows = [prepared[i] for i in kept], [rows[i] for i in kept]
    chars = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, dtype=np.float32, min_df=2,
                            max_features=40000)
    tokens = TfidfVectorizer(analyzer=lambda items: items, sublinear_tf=True, dtype=np.float32, min_df=2)
    cues = Vocabulary({c: i for i, c in enumerate(sorted({c for p in prepared for c in p.cues}))},
                      np.zeros(0, dtype=np.float32))
    x = hstack([chars.fit_transform([p.masked for p in prepared]), tokens.fit_transform([p.tokens for p in prepared]),
                cues.matrix([p.cues for p in prepared])]).tocsr()
    heads = fit_heads(x, rows, len(cues.index))
    model = TriageModel(_vocabulary(chars), _vocabulary(tokens), cues, heads, thresholds=dict(DEFAULTS),
                        trained_ids=sorted({str(r["id"]) for r in rows if r.get("id") is not None}))
    model.places = places
    return model


def for_heads(rows: list[dict[str, Any]]) -> list[int]:
    """The rows the five heads learn from: all but those written for the place tagger (`place_only`)."""
    return [i for i, r in enumerate(rows) if not r.get("place_only")]


def fit_heads(x: Any, rows: list[dict[str, Any]], cue_columns: int, only: tuple[str, ...] | None = None,
              urgency_weights: dict[str, float] = URGENCY_WEIGHTS) -> dict[str, LinearHead]:
    """The five heads (or `only` these) on a fitted feature matrix, one row per row (bench.lovo_folds refits one)."""
    reports = np.array([r["is_report"] for r in rows], dtype=bool)
    weight = np.array([VOICE_WEIGHT if r.get("voice") else TEMPLATED_WEIGHT if r.get("group") else 1.0 for r in rows])
    emergencies = np.array([r["urgency"] == "emergency" for r in rows]).astype(int)
    c = HEAD_C
    recipes: dict[str, Callable[[], LinearHead]] = {
        # each voice weighs the same in all: a voice that wrote more does not set where chat ends
        "report": lambda: _fit(x, reports.astype(int), c["report"], weight * _per_voice(rows)),
        # the category reads the text, not the cues: at full weight they pulled categories towards
        # whatever alarm or frame a message had (macro-F1 0.777 with them, 0.800 without, same folds)
        "category": lambda: _without_cues(_fit(x[reports][:, :x.shape[1] - cue_columns],
                                               np.array([r["category"] for r in rows], dtype=object)[reports],
                                               c["category"], weight[reports]), cue_columns),
        "urgency": lambda: _fit(x[reports], np.array([r["urgency"] for r in rows], dtype=object)[reports],
                                c["urgency"], weight[reports], urgency_weights),
        # read against every message, chat included: an alarm word in a joke is a negative here
        "emergency": lambda: _fit_scaled(x, emergencies, c["emergency"], weight),
        "police": lambda: _fit(x, np.array([r.get("kind") == "police" for r in rows]).astype(int), c["police"],
                               weight)}
    return {name: fit() for name, fit in recipes.items() if only is None or name in only}


def fit_places(reports: list[Prepared]) -> PlaceTagger:
    """The place tagger, fitted on the reports alone (apart from the heads: bench.place_lovo refits only this)."""
    tagger = fit_tagger([p.place_features for p in reports], [p.place_labels for p in reports], c=10.0)
    tagger.threshold = 0.35
    return tagger


def _vocabulary(vectorizer: Any) -> Vocabulary:
    return Vocabulary({k: int(v) for k, v in vectorizer.vocabulary_.items()}, vectorizer.idf_.astype(np.float32))


def _without_cues(head: LinearHead, cue_columns: int) -> LinearHead:
    """A head fitted without the cue block, widened with zero weights so it reads the same matrix as the others."""
    return LinearHead(head.classes, np.hstack([head.coef, np.zeros((head.coef.shape[0], cue_columns), dtype=np.float32)]),
                      head.intercept)


def _per_voice(rows: list[dict[str, Any]]) -> np.ndarray:
    """A factor per row so that each voice's rows weigh the same in all (1 for the seeds)."""
    sizes = Counter(r["voice"] for r in rows if r.get("voice"))
    mean = sum(sizes.values()) / len(sizes) if sizes else 1.0
    return np.array([mean / sizes[r["voice"]] if r.get("voice") else 1.0 for r in rows])


def _fit_scaled(x: Any, y: np.ndarray, c: float, sample_weight: np.ndarray) -> LinearHead:
    """A binary head on features scaled by their log-count ratio (NB-LR): words that lean to one side count more.

    The scale is folded into the coefficients, so the head reads the same matrix as the others.
    """
    ratio = _log_count_ratio(x, y)
    head = _fit(x @ diags(ratio), y, c, sample_weight)
    return LinearHead(head.classes, head.coef * ratio[None, :], head.intercept)


def _log_count_ratio(x: Any, y: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """|log(p / q)| per feature: its smoothed share of the positives' feature mass against the negatives'."""
    p = alpha + np.asarray(x[y == 1].sum(axis=0)).ravel()
    q = alpha + np.asarray(x[y == 0].sum(axis=0)).ravel()
    ratio: np.ndarray = np.abs(np.log((p / p.sum()) / (q / q.sum()))).astype(np.float32)
    return ratio


def _fit(x: Any, y: np.ndarray, c: float, sample_weight: np.ndarray,
         weights: dict[str, float] | None = None) -> LinearHead:
    from sklearn.linear_model import LogisticRegression
    from sklearn.utils.class_weight import compute_class_weight

    classes = np.unique(y)
    if len(classes) == 1:  # a tiny set with one label: the head always says it
        return LinearHead(classes, np.zeros((1, x.shape[1]), dtype=np.float32), np.zeros(1, dtype=np.float32))
    balanced = dict(zip(classes, compute_class_weight("balanced", classes=classes, y=y)))
    if weights:
        balanced = {k: v * weights.get(k, 1.0) for k, v in balanced.items()}
    model = LogisticRegression(C=c, max_iter=3000, tol=1e-3, class_weight=balanced)
    model.fit(x, y, sample_weight=sample_weight)
    return LinearHead(model.classes_, model.coef_.astype(np.float32), model.intercept_.astype(np.float32))
