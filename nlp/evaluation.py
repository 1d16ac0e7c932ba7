"""Figures for `run.py eval`: per-class P/R/F1, confusion, police and emergency recall, places."""
from collections import Counter
from typing import Any

from nlp.triage import CATEGORIES, Triage


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def evaluate(rows: list[dict[str, Any]], results: list[Triage]) -> dict[str, Any]:
    """Compare predictions with labels."""
    pairs = list(zip(rows, results))
    tp = sum(r["is_report"] and t.is_report for r, t in pairs)
    fp = sum(not r["is_report"] and t.is_report for r, t in pairs)
    fn = sum(r["is_report"] and not t.is_report for r, t in pairs)
    reports = [(r, t) for r, t in pairs if r["is_report"]]
    police = [(r, t) for r, t in reports if r["kind"] == "police"]
    emergencies = [(r, t) for r, t in reports if r["urgency"] == "emergency"]
    located = [(r, t) for r, t in reports if r.get("location")]
    per_class: dict[str, tuple[float, float, float, int]] = {}
    confusion: Counter[tuple[str, str | None]] = Counter()
    for category in CATEGORIES:
        c_tp = sum(r["category"] == category and t.category == category for r, t in pairs)
        c_fp = sum(r["category"] != category and t.category == category for r, t in pairs)
        c_fn = sum(r["category"] == category and t.category != category for r, t in pairs)
        per_class[category] = (*_prf(c_tp, c_fp, c_fn), c_tp + c_fn)
    for r, t in reports:
        confusion[(r["category"], t.category)] += 1
    return {
        "n": len(rows), "report_f1": _prf(tp, fp, fn)[2],
        "kind_accuracy": sum(r["kind"] == t.kind for r, t in reports) / max(1, len(reports)),
        "police_recall": sum(t.kind == "police" for _, t in police) / max(1, len(police)),
        "category_macro_f1": sum(v[2] for v in per_class.values()) / len(per_class),
        "emergency_recall": sum(t.urgency == "emergency" for _, t in emergencies) / max(1, len(emergencies)),
        "urgency_accuracy": sum(r["urgency"] == t.urgency for r, t in reports) / max(1, len(reports)),
        "place_found": sum(bool(t.location) and _overlap(r["text"], r["location"], t.location or "")
                           for r, t in located) / max(1, len(located)),
        "per_class": per_class, "confusion": confusion,
        "errors": [(r, t) for r, t in pairs if (r["category"] != t.category)][:40],
    }


def _overlap(text: str, truth: str, found: str) -> bool:
    a = text.find(truth)
    b = text.find(found)
    return a >= 0 and b >= 0 and a < b + len(found) and b < a + len(truth)


def render(m: dict[str, Any], per_second: float) -> str:
    """A report for people."""
    lines = [f"messages: {m['n']}   throughput: {per_second:,.0f} msg/s",
             f"is_report F1        {m['report_f1']:.3f}",
             f"police/non-police   {m['kind_accuracy']:.3f}   police recall {m['police_recall']:.3f}",
             f"category macro-F1   {m['category_macro_f1']:.3f}",
             f"emergency recall    {m['emergency_recall']:.3f}   urgency accuracy {m['urgency_accuracy']:.3f}",
             f"place span found    {m['place_found']:.3f}", "", f"{'category':<22}{'P':>6}{'R':>6}{'F1':>6}{'n':>5}"]
    for category, (p, r, f, n) in m["per_class"].items():
        lines.append(f"{category:<22}{p:6.2f}{r:6.2f}{f:6.2f}{n:5d}")
    lines += ["", "confusions (truth → predicted, count):"]
    for (truth, predicted), count in m["confusion"].most_common():
        if truth != predicted:
            lines.append(f"  {truth} → {predicted}: {count}")
    return "\n".join(lines)
