"""The result of triage: what a message is, how sure we are, and why."""
from dataclasses import dataclass

POLICE = ("violence", "theft", "fraud", "drugs", "missing_person", "traffic_accident", "public_order",
          "fire_emergency")
NON_POLICE = ("neighbor_dispute", "family_dispute", "labor_dispute", "sanitation", "facility_repair",
              "property_management", "elderly_care", "stray_animal", "consultation", "safety_hazard")
CATEGORIES = POLICE + NON_POLICE
URGENCIES = ("emergency", "urgent", "normal")


def kind_of(category: str | None) -> str | None:
    """警务类 police or 非警务类 non_police, from the category."""
    if category is None:
        return None
    return "police" if category in POLICE else "non_police"


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
    suspected: bool = False  # not called a report, but could be one: 疑似报事, a person looks (silently)
    grid_id: str | None = None
    masked_text: str = ""

    def to_contract_dict(self) -> dict:
        """The labels of the `run.py classify` contract."""
        return {"is_report": self.is_report, "kind": self.kind, "category": self.category,
                "urgency": self.urgency, "location": self.location, "confidence": round(self.confidence, 4)}
