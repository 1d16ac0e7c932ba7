"""The result of triage: what a message is, how sure we are, and why."""
from dataclasses import dataclass
from typing import Any

# The contract's labels, defined once in core/vocabulary.py; nlp's modules read them from here.
from core.vocabulary import CATEGORIES, URGENCIES, kind_of
from core.vocabulary import POLICE_CATEGORIES as POLICE

__all__ = ["CATEGORIES", "POLICE", "URGENCIES", "Triage", "kind_of"]


@dataclass(frozen=True)
class Triage:
    """Labels, confidence and the reasons a person can read."""

    is_report: bool
    kind: str | None = None
    category: str | None = None
    urgency: str | None = None
    location: str | None = None
    confidence: float = 0.0
    reasons: tuple[str, ...] = ()
    needs_human: bool = False
    grid_id: str | None = None
    masked_text: str = ""

    def to_contract_dict(self) -> dict[str, Any]:
        """The labels of the `run.py classify` contract."""
        return {"is_report": self.is_report, "kind": self.kind, "category": self.category,
                "urgency": self.urgency, "location": self.location, "confidence": round(self.confidence, 4)}
