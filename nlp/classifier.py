"""classify(text) -> Triage: normalise, mask, rules, model, place; nothing is loaded at import."""
from collections.abc import Callable
from pathlib import Path

import jieba
import numpy as np

from nlp.gazetteer import Entry, Gazetteer
from nlp.locate import locate
from nlp.model import DEFAULT_PATH, TriageModel
from nlp.normalize import Normalized, normalize
from nlp.privacy import mask
from nlp.rules import RuleHits, apply_rules
from nlp.script import make_t2s
from nlp.segment import make_tokenizer, tokenize, words
from nlp.triage import POLICE, Triage, kind_of

MAX_CHARS = 2000  # longer messages are read up to here: the matter is stated early
POLICE_BIAS = 0.12  # probability mass moved toward police categories: missing one costs more
TERM_BOOST = 0.15  # a police term in the text nudges toward its category
MODEL_EMERGENCY = 0.4  # the model's own emergency call needs this probability
REPORT_THRESHOLD = 0.5
HUMAN_BELOW = 0.45  # below this confidence a person triages instead of the machine


class Classifier:
    """Holds the model, the tokenizer and the gazetteer; `classify` itself does no I/O."""

    def __init__(self, model: TriageModel, gazetteer: Gazetteer | None = None):
        self.model = model
        self.gazetteer = gazetteer or Gazetteer([])
        self._tokenizer: jieba.Tokenizer | None = None
        self._t2s: Callable[[str], str] | None = None

    @classmethod
    def load(cls, model_path: Path | str | None = None, gazetteer: Gazetteer | None = None) -> "Classifier":
        """Read the model file (the repository's by default)."""
        return cls(TriageModel.load(Path(model_path) if model_path else DEFAULT_PATH), gazetteer)

    def warm_up(self) -> "Classifier":
        """Build the tokenizer and the 繁→简 converter, and run one message through."""
        if self._tokenizer is None:
            self._tokenizer = make_tokenizer(self.gazetteer.names())
            self._t2s = make_t2s()
            self.classify("锦绣花园3栋楼道有人充电")
        return self

    def classify(self, text: str) -> Triage:
        """Triage one message."""
        return self.classify_many([text])[0]

    def classify_many(self, texts: list[str]) -> list[Triage]:
        """Triage a batch (one matrix product per head for the whole batch)."""
        if not texts:
            return []
        if self._tokenizer is None:
            self.warm_up()
        cleaned = [normalize(t[:MAX_CHARS] if isinstance(t, str) else t, self._t2s) for t in texts]
        masked = [mask(n.text) for n in cleaned]
        pieces = [tokenize(self._tokenizer, m) for m in masked]
        x = self.model.features(masked, [words(p, m) for p, m in zip(pieces, masked)])
        heads = self.model.heads
        p_report = heads["report"].proba(x)[:, [str(c) for c in heads["report"].classes].index("1")]
        p_category, p_urgency = heads["category"].proba(x), heads["urgency"].proba(x)
        return [self._decide(n, m, p, float(p_report[i]), p_category[i], p_urgency[i])
                for i, (n, m, p) in enumerate(zip(cleaned, masked, pieces))]

    def _decide(self, norm: Normalized, masked: str, pieces: list[str], p_report: float, p_cat: np.ndarray,
                p_urg: np.ndarray) -> Triage:
        if sum(ch.isalnum() for ch in masked) < 2:
            return Triage(False, confidence=1.0, reasons=("内容过短或只有表情",), masked_text=masked)
        hits = apply_rules(masked)
        reasons = hits.reasons()
        if hits.emergency:
            p_report = max(p_report, 0.9)
        if p_report < REPORT_THRESHOLD:
            return Triage(False, confidence=1 - p_report, reasons=tuple(reasons + [f"报事概率 {p_report:.2f}"]),
                          needs_human=1 - p_report < HUMAN_BELOW, masked_text=masked)
        category, p_best = self._category(p_cat, hits)
        urgency, p_urgency = self._urgency(p_urg, hits, category)
        location, entry = self._place(norm, masked, pieces)
        confidence = min(p_report, p_best)
        reasons += [f"类别 {category} {p_best:.2f}", f"紧急程度 {urgency} {p_urgency:.2f}", f"报事概率 {p_report:.2f}"]
        if location:
            reasons.append(f"地点：{location}" + (f" → {entry.grid_id}" if entry else "（未匹配网格）"))
        return Triage(True, kind_of(category), category, urgency, location, confidence, tuple(reasons),
                      needs_human=confidence < HUMAN_BELOW, grid_id=entry.grid_id if entry else None,
                      masked_text=masked)

    def _category(self, p_cat: np.ndarray, hits: RuleHits) -> tuple[str, float]:
        classes = [str(c) for c in self.model.heads["category"].classes]
        scores = p_cat.copy()
        scores[np.array([c in POLICE for c in classes])] += POLICE_BIAS
        for category in hits.police:
            scores[classes.index(category)] += TERM_BOOST
        if hits.emergency_category:
            scores[classes.index(hits.emergency_category)] += 0.3
        best = int(np.argmax(scores))
        return classes[best], float(min(1.0, p_cat[best] + (scores[best] - p_cat[best]) / 2))

    def _urgency(self, p_urg: np.ndarray, hits: RuleHits, category: str) -> tuple[str, float]:
        classes = [str(c) for c in self.model.heads["urgency"].classes]
        p = dict(zip(classes, p_urg.tolist()))
        if hits.emergency:
            return "emergency", max(p["emergency"], 0.9)
        if p["emergency"] >= MODEL_EMERGENCY and not hits.context:
            return "emergency", p["emergency"]
        if hits.urgent or category in POLICE and p["urgent"] + p["emergency"] > p["normal"]:
            return "urgent", p["urgent"] + p["emergency"]
        best = max(("urgent", "normal"), key=lambda u: p[u])
        return best, p[best]

    def _place(self, norm: Normalized, masked: str, pieces: list[str]) -> tuple[str | None, Entry | None]:
        clean = norm.text
        if len(masked) != len(clean):
            pieces = tokenize(self._tokenizer, clean)
        span, _ = locate(clean, pieces, self.model.places, self.gazetteer.find(clean))
        if span is None:
            return None, None
        location = norm.span_in_original(span.start, span.end).strip() or None
        return location, self.gazetteer.resolve(clean[span.start:span.end]) if location else None
