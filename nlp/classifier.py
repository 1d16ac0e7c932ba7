"""classify(text) -> Triage: normalise, mask, features, learned heads, thresholds, place; nothing loaded at import."""
from pathlib import Path

from nlp.features import message_tokens
from nlp.gazetteer import Gazetteer
from nlp.locate import locate
from nlp.model import DEFAULT_PATH, TriageModel
from nlp.normalize import normalize
from nlp.privacy import mask
from nlp.script import make_t2s
from nlp.segment import make_tokenizer, tokenize
from nlp.triage import POLICE, Triage, kind_of

MAX_CHARS = 2000  # longer messages are read up to here: the matter is stated early
HUMAN_BELOW = 0.45  # below this confidence a person triages instead of the machine
MIN_PLACE = 2  # a place is a name, never one stray character (a lone "8")
# Decision thresholds (a model file may carry its own). Missing an emergency or a police matter costs
# far more than over-calling one, so they lean that way; set on the leave-one-voice-out predictions,
# never on the sealed rows. Between `suspect` and `report`: 疑似报事, shown to the duty desk, silent in groups.
DEFAULTS = {"report": 0.5, "suspect": 0.2, "police": 0.35, "emergency": 0.3, "urgent": 0.45}


class Classifier:
    """Holds the model, the tokenizer and the gazetteer; `classify` itself does no I/O."""

    def __init__(self, model: TriageModel, gazetteer: Gazetteer | None = None):
        self.model = model
        self.gazetteer = gazetteer or Gazetteer([])
        self._tokenizer = None
        self._t2s = None

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
        read = [message_tokens(self._tokenizer, m) for m in masked]
        x = self.model.features(masked, [tokens for _, tokens, _ in read])
        heads = self.model.heads
        p_report = heads["report"].named(x)
        p_category, p_urgency = heads["category"].named(x), heads["urgency"].named(x)
        return [self._decide(n, m, pieces, hits, p_report[i].get("1", 0.0), p_category[i], p_urgency[i])
                for i, (n, m, (pieces, _, hits)) in enumerate(zip(cleaned, masked, read))]

    def _decide(self, norm, masked: str, pieces, hits, p_report: float, p_cat: dict, p_urg: dict) -> Triage:
        if sum(ch.isalnum() for ch in masked) < 2:
            return Triage(False, confidence=1.0, reasons=("内容过短或只有表情",), masked_text=masked)
        limits = DEFAULTS | self.model.thresholds
        reasons = hits.reasons()
        if p_report < limits["report"]:
            suspected = p_report >= limits["suspect"]
            return Triage(False, confidence=1 - p_report, needs_human=suspected, suspected=suspected,
                          reasons=tuple(reasons + [f"报事概率 {p_report:.2f}" + ("（疑似报事）" if suspected else "")]),
                          masked_text=masked)
        category, p_best = _category(p_cat, limits["police"])
        urgency, p_urgency = _urgency(p_urg, limits)
        location, entry = self._place(norm, masked, pieces)
        confidence = min(p_report, p_best)
        reasons += [f"类别 {category} {p_best:.2f}", f"紧急程度 {urgency} {p_urgency:.2f}", f"报事概率 {p_report:.2f}"]
        if location:
            reasons.append(f"地点：{location}" + (f" → {entry.grid_id}" if entry else "（未匹配网格）"))
        return Triage(True, kind_of(category), category, urgency, location, confidence, tuple(reasons),
                      needs_human=confidence < HUMAN_BELOW, grid_id=entry.grid_id if entry else None,
                      masked_text=masked)

    def _place(self, norm, masked: str, pieces):
        clean = norm.text
        if len(masked) != len(clean):
            pieces = tokenize(self._tokenizer, clean)
        span, _ = locate(clean, pieces, self.model.places, self.gazetteer.find(clean))
        if span is None or not _is_place(clean[span.start:span.end]):
            return None, None
        location = norm.span_in_original(span.start, span.end).strip() or None
        return location, self.gazetteer.resolve(clean[span.start:span.end]) if location else None


def _category(p_cat: dict, police_at: float) -> tuple[str, float]:
    """Police when the police categories together reach `police_at` (an unsure call goes to police)."""
    p_police = sum(p for c, p in p_cat.items() if c in POLICE)
    side = {c: p for c, p in p_cat.items() if (c in POLICE) == (p_police >= police_at)} or p_cat
    best = max(side, key=side.get)
    return best, side[best]


def _urgency(p_urg: dict, limits: dict) -> tuple[str, float]:
    """Emergency from a low bar, then urgent, else normal: over-calling costs less than missing."""
    emergency, urgent = p_urg.get("emergency", 0.0), p_urg.get("urgent", 0.0)
    if emergency >= limits["emergency"]:
        return "emergency", emergency
    if urgent + emergency >= limits["urgent"]:
        return "urgent", urgent + emergency
    return "normal", p_urg.get("normal", 0.0)


def _is_place(span: str) -> bool:
    """At least two characters and not only digits or letters."""
    return len(span.strip()) >= MIN_PLACE and not span.strip().isascii()
