"""The yardstick for triage: a plain jieba + TF-IDF + LogisticRegression pipeline, trained on the same rows.

No rules, no place finding, no thresholds: an afternoon's work. Our classifier must beat it on
quality (leave-one-voice-out) and keep up with it on speed.
"""
from dataclasses import dataclass

import jieba
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from nlp.training import for_heads
from nlp.triage import kind_of


def _words(text: str) -> list[str]:
    """jieba's words (a module function, so the fitted pipeline pickles for the speed bench's child)."""
    return jieba.lcut(text)


@dataclass(frozen=True)
class BaselineResult:
    """The labels the baseline gives (no place)."""

    is_report: bool
    kind: str | None = None
    category: str | None = None
    urgency: str | None = None
    location: str | None = None
    confidence: float = 0.0


class Baseline:
    """jieba words → TF-IDF → one logistic regression per label."""

    def __init__(self, rows: list[dict]):
        rows = [rows[i] for i in for_heads(rows)]  # as our heads: `place_only` rows train our place tagger only
        self.vectorizer = TfidfVectorizer(tokenizer=_words, token_pattern=None, lowercase=True,
                                          sublinear_tf=True)
        x = self.vectorizer.fit_transform([r["text"] for r in rows])
        reports = np.array([r["is_report"] for r in rows])
        self.report = LogisticRegression(max_iter=2000, C=10).fit(x, reports)
        self.category = LogisticRegression(max_iter=2000, C=10).fit(x[reports], [r["category"] for r in rows if
                                                                                 r["is_report"]])
        self.urgency = LogisticRegression(max_iter=2000, C=10).fit(x[reports], [r["urgency"] for r in rows if
                                                                                r["is_report"]])

    def classify_many(self, texts: list[str]) -> list[BaselineResult]:
        """Labels for a batch."""
        if not texts:
            return []
        x = self.vectorizer.transform(texts)
        p_report = self.report.predict_proba(x)[:, 1]
        categories, urgencies = self.category.predict(x), self.urgency.predict(x)
        return [BaselineResult(True, kind_of(c), c, u, None, float(p)) if p >= 0.5 else
                BaselineResult(False, confidence=float(1 - p))
                for p, c, u in zip(p_report, categories, urgencies)]
