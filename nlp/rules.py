"""Rules in front of the model where rules are safer: emergencies, police terms, non-report context.

A term counts only when affirmed: not just after a negation (没着火, 不是煤气味), and not in
a message about a drill, a TV plot, a lecture or a notice.
"""
from dataclasses import dataclass

from nlp.rule_terms import EMERGENCY_PATTERNS, EMERGENCY_TERMS, NEGATION, NOT_A_REPORT_CONTEXT, POLICE_TERMS, URGENT_TERMS
from nlp.term_index import TermIndex

_TERMS = TermIndex({("context", None): NOT_A_REPORT_CONTEXT, ("urgent", None): URGENT_TERMS,
                    **{("emergency", c): terms for c, terms in EMERGENCY_TERMS.items()},
                    **{("police", c): terms for c, terms in POLICE_TERMS.items()}})


@dataclass(frozen=True)
class RuleHits:
    """What the rules saw: an emergency (its term and, if the term proves one, its category), police terms, context."""

    emergency: bool
    emergency_term: str | None
    emergency_category: str | None
    police: dict[str, list[str]]
    urgent: str | None
    context: list[str]

    def reasons(self) -> list[str]:
        """Readable reasons."""
        out = []
        if self.emergency_term:
            out.append(f"紧急词：{self.emergency_term}")
        for category, terms in self.police.items():
            out.append(f"警务词（{category}）：{'、'.join(terms)}")
        if self.urgent and not self.emergency:
            out.append(f"紧迫词：{self.urgent}")
        if self.context:
            out.append(f"非报事语境：{'、'.join(self.context)}")
        return out


def apply_rules(text: str) -> RuleHits:
    """Find affirmed emergency, police and urgent terms; drills, TV plots and notices switch emergencies off."""
    found = _TERMS.found(text)  # the terms present; only those are checked for a negation
    context = found.get(("context", None), [])
    category = term = None
    if not context:
        category, term = _emergency(text, found)
    police = {c: [t for t in found.get(("police", c), ()) if _affirmed(text, t)] for c in POLICE_TERMS}
    urgent = next((t for t in found.get(("urgent", None), ()) if _affirmed(text, t)), None)
    return RuleHits(term is not None, term, category, {c: t for c, t in police.items() if t}, urgent, context)


def _emergency(text: str, found: dict[tuple[str, str | None], list[str]]) -> tuple[str | None, str | None]:
    for category in EMERGENCY_TERMS:
        hit = next((t for t in found.get(("emergency", category), ()) if _affirmed(text, t)), None)
        if hit:
            return category, hit
    for _category, pattern in EMERGENCY_PATTERNS:
        for match in pattern.finditer(text):
            if not NEGATION.search(text[max(0, match.start() - 8):match.start()]):
                return None, match.group()
    return None, None


def _affirmed(text: str, term: str) -> bool:
    """The term occurs at least once without a negation just before it."""
    start = text.find(term)
    while start != -1:
        if not NEGATION.search(text[max(0, start - 8):start]):
            return True
        start = text.find(term, start + 1)
    return False
