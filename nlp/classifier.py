"""classify(text) -> Triage: normalise, mask, features, learned heads, thresholds, place; nothing loaded at import."""
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from core.privacy import mask
from nlp.features import Read, read_message
from nlp.gazetteer import Entry, Gazetteer
from nlp.locate import locate_many
from nlp.model import DEFAULT_PATH, TriageModel
from nlp.normalize import Normalized, normalize
from nlp.script import make_t2s
from nlp.triage import POLICE, Triage, kind_of

MAX_CHARS = 2000  # longer messages are read up to here: the matter is stated early
HUMAN_BELOW = 0.45  # below this confidence a person triages instead of the machine
_TWO_ALNUM = re.compile(r"[^\W_].*?[^\W_]", re.DOTALL)  # two letters, digits or Han (str.isalnum)
MIN_PLACE = 2  # a place is a name, never one stray character (a lone "8")
# Decision thresholds (a model file may carry its own). Missing an emergency or a police matter costs
# far more than over-calling one, so they lean that way; set on the leave-one-voice-out predictions,
# never on the sealed rows. Between `suspect` and `report`: 疑似报事, shown to the duty desk, silent in groups.
# `police_report`: the police head makes a report of what the report head leaves in the 疑似 band (a scam
# warning to the group reads like chat), but not of what it is sure is talk (a TV plot, p < `suspect`).
# `police_side`: the police head alone puts a report on the police side only when this sure; read against
# every message it is no judge of police or not among reports (letting it decide from `police_report` up
# cost 0.02 of 警务/非警务 accuracy for 0.002 of police recall, leave-one-voice-out).
# `police` (of the category mass): an unsure call goes to police. 0.26: on thirty-three voices police recall
# 0.974 with 警务/非警务 0.926 (0.22 gives 0.975 with 0.920, 0.30 0.971 with 0.931): the mass sums eight
# police categories, and from lower down their noise alone sends reports the category head reads as
# mostly safety_hazard (charging in a stairwell) to police.
# `emergency`: the most recall at precision >= 0.70: on thirty-three voices 0.125 with `emergency_report` 0.4,
# recall 0.954 at precision 0.702 (0.115 without it 0.951 at 0.698; the emergency head reads log-count-ratio
# scaled features, nlp/training.py; the sweeps are in bench/RESULTS.md).
# `emergency_report`: as `police_report`, for emergencies: what the emergency reading is this sure of is a
# report even when the report head doubts it (a calm "电梯里困了俩小孩 哭着呢" reads like chat to it), unless
# that head is sure it is talk (p < `suspect`). 0.4: +0.004 emergency recall for 0.002 of silence.
DEFAULTS = {"report": 0.5, "police_report": 0.45, "police_side": 0.9, "suspect": 0.2, "police": 0.26,
            "emergency": 0.125, "urgent": 0.45, "emergency_report": 0.4}


class Classifier:
    """Holds the model and the gazetteer; `classify` itself does no I/O."""

    def __init__(self, model: TriageModel, gazetteer: Gazetteer | None = None):
        self.model = model
        self.gazetteer = gazetteer or Gazetteer([])
        self._t2s: Callable[[str], str] | None = None

    @classmethod
    def load(cls, model_path: Path | str | None = None, gazetteer: Gazetteer | None = None) -> "Classifier":
        """Read the model file (the repository's by default)."""
        return cls(TriageModel.load(Path(model_path) if model_path else DEFAULT_PATH), gazetteer)

    def warm_up(self) -> "Classifier":
        """Build the 繁→简 converter and the pinyin table, and run one message through."""
        if self._t2s is None:
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
        cleaned, masked, read, heads = self.read_many(texts)
        decided = [self._decide(m, r, h) for m, r, h in zip(masked, read, heads)]
        reports = [i for i, t in enumerate(decided) if t.is_report]
        for i, (location, entry) in zip(reports, self._places([cleaned[i] for i in reports])):
            where = f"地点：{location}" + (f" → {entry.grid_id}" if entry else "（未匹配网格）") if location else None
            decided[i] = replace(decided[i], location=location, grid_id=entry.grid_id if entry else None,
                                 reasons=decided[i].reasons + ((where,) if where else ()))
        return decided

    def read_many(self, texts: list[str]) -> tuple[list[Normalized], list[str], list[Read], list["Heads"]]:
        """Each text cleaned, masked and read, and what the heads say of it (before any threshold)."""
        if self._t2s is None:
            self.warm_up()
        cleaned = [normalize(t[:MAX_CHARS] if isinstance(t, str) else t, self._t2s) for t in texts]
        masked = [mask(n.text) for n in cleaned]
        read = [read_message(m) for m in masked]
        x = self.model.features(masked, [r.tokens for r in read], [r.cues for r in read])
        return cleaned, masked, read, heads_of({name: head.named(x) for name, head in self.model.heads.items()})

    def _decide(self, masked: str, read: Read, p: "Heads") -> Triage:
        """The labels from the heads and the thresholds; the place is found afterwards, for reports only."""
        if not _TWO_ALNUM.search(masked):
            return Triage(False, confidence=1.0, reasons=("内容过短或只有表情",), masked_text=masked)
        limits = DEFAULTS | self.model.thresholds
        reasons = read.hits.reasons() + [f"报事概率 {p.report:.2f}", f"警务概率 {p.police:.2f}"]
        # the police or emergency reading makes a report of what the report head doubts, not of what it is sure is talk
        maybe = p.report >= limits["suspect"]
        police_says = maybe and p.police >= limits["police_report"]
        emergency_says = maybe and p.urgency.get("emergency", 0.0) >= limits["emergency_report"]
        if p.report < limits["report"] and not police_says and not emergency_says:
            suspected = max(p.report, p.police) >= limits["suspect"]
            return Triage(False, confidence=1 - max(p.report, p.police), needs_human=suspected, suspected=suspected,
                          reasons=tuple(reasons + (["疑似报事"] if suspected else [])), masked_text=masked)
        category, p_best = _category(p.category, 0.0 if p.police >= limits["police_side"] else limits["police"])
        urgency, p_urgency = _urgency(p.urgency, limits)
        confidence = min(max(p.report, p.police), p_best)
        reasons += [f"类别 {category} {p_best:.2f}", f"紧急程度 {urgency} {p_urgency:.2f}"]
        return Triage(True, kind_of(category), category, urgency, None, confidence, tuple(reasons),
                      needs_human=confidence < HUMAN_BELOW, masked_text=masked)

    def _places(self, cleaned: list[Normalized]) -> list[tuple[str | None, Entry | None]]:
        texts = [norm.text for norm in cleaned]  # unmasked: a house number is not a phone number
        found = locate_many(texts, self.model.places, [self.gazetteer.find(text) for text in texts])
        out: list[tuple[str | None, Entry | None]] = []
        for norm, (span, _) in zip(cleaned, found):
            if span is None or not _is_place(norm.text[span.start:span.end], span.how):
                out.append((None, None))
                continue
            location = norm.span_in_original(span.start, span.end).strip() or None
            out.append((location, self.gazetteer.resolve(norm.text[span.start:span.end]) if location else None))
        return out


@dataclass(frozen=True)
class Heads:
    """What the learned heads say of one message."""

    report: float
    police: float  # a police matter, read against every message
    category: dict[str, float]
    urgency: dict[str, float]


def heads_of(named: dict[str, list[dict[str, float]]]) -> list[Heads]:
    """Each message's Heads from every head's {class: probability} per message."""
    p_report, p_police, p_emergency = ([p.get("1", 0.0) for p in named[h]] for h in ("report", "police", "emergency"))
    p_urgency = [dict(p) for p in named["urgency"]]
    for i, p in enumerate(p_urgency):  # two readings of "emergency": among reports, and against everything
        p["emergency"] = (p.get("emergency", 0.0) + p_emergency[i]) / 2
    return [Heads(*h) for h in zip(p_report, p_police, named["category"], p_urgency)]


def _category(p_cat: dict[str, float], police_at: float) -> tuple[str, float]:
    """Police when the police categories together reach `police_at` (an unsure call goes to police)."""
    p_police = sum(p for c, p in p_cat.items() if c in POLICE)
    side = {c: p for c, p in p_cat.items() if (c in POLICE) == (p_police >= police_at)} or p_cat
    best = max(side, key=lambda c: side[c])
    return best, side[best]


def _urgency(p_urg: dict[str, float], limits: dict[str, float]) -> tuple[str, float]:
    """Emergency from a low bar, then urgent, else normal: over-calling costs less than missing."""
    emergency, urgent = p_urg.get("emergency", 0.0), p_urg.get("urgent", 0.0)
    if emergency >= limits["emergency"]:
        return "emergency", emergency
    if urgent + emergency >= limits["urgent"]:
        return "urgent", urgent + emergency
    return "normal", p_urg.get("normal", 0.0)


def _is_place(span: str, how: str = "") -> bool:
    """At least two characters and not only digits or letters, unless a room number written last (nlp.room)."""
    return len(span.strip()) >= MIN_PLACE and (how == "room" or not span.strip().isascii())
