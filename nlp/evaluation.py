"""Figures for `run.py eval`: the issue's bars per voice (leave-one-voice-out), sealed totals, per-class detail."""
from collections import Counter
from typing import Any

from nlp.triage import CATEGORIES, Triage

# (key, label, bar): the figures every table prints, in order; the bar is the leave-one-voice-out bar
FIGURES = (("police_recall", "police R", 0.97), ("emergency_recall", "emerg R", 0.97),
           ("emergency_precision", "emerg P", 0.70), ("silence", "silence", 0.95), ("kind_accuracy", "kind", 0.95),
           ("category_macro_f1", "cat F1", 0.90), ("urgency_accuracy", "urgency", None),
           ("location_found", "place", 0.93))


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _share(hits: float, total: int) -> float | None:
    return hits / total if total else None


def figures(rows: list[dict[str, Any]], results: list[Triage]) -> dict[str, Any]:
    """The bars' figures for labelled rows and their triage results (None where a figure has nothing to count)."""
    pairs = list(zip(rows, results))
    reports = [(r, t) for r, t in pairs if r["is_report"]]
    police = [t for r, t in reports if r["kind"] == "police"]
    emergencies = [t for r, t in reports if r["urgency"] == "emergency"]
    called = [r for r, t in pairs if t.is_report and t.urgency == "emergency"]
    chat = [t for r, t in pairs if not r["is_report"]]
    located = [(r, t) for r, t in reports if r.get("location")]
    per_class: dict[str, tuple[float, float, float, int]] = {}
    for category in CATEGORIES:
        c_tp = sum(r["category"] == category and t.category == category for r, t in pairs)
        c_fp = sum(r["category"] != category and t.category == category for r, t in pairs)
        c_fn = sum(r["category"] == category and t.category != category for r, t in pairs)
        if c_tp + c_fp + c_fn:  # a class neither labelled nor predicted in this set does not count
            per_class[category] = (*_prf(c_tp, c_fp, c_fn), c_tp + c_fn)
    return {
        "n": len(rows), "reports": len(reports),
        "police_recall": _share(sum(t.kind == "police" for t in police), len(police)),
        "emergency_recall": _share(sum(t.urgency == "emergency" for t in emergencies), len(emergencies)),
        "emergency_precision": _share(sum(r["urgency"] == "emergency" for r in called), len(called)),
        "silence": _share(sum(not t.is_report for t in chat), len(chat)),
        "kind_accuracy": _share(sum(r["kind"] == t.kind for r, t in reports), len(reports)),
        "category_macro_f1": _share(sum(v[2] for v in per_class.values()), len(per_class)),
        "urgency_accuracy": _share(sum(r["urgency"] == t.urgency for r, t in reports), len(reports)),
        "location_found": _share(sum(place_found(r["text"], r["location"], t.location) for r, t in located),
                                 len(located)),
        "per_class": per_class,
        "confusion": Counter((r["category"], t.category) for r, t in pairs if r["category"] != t.category),
    }


def place_found(text: str, truth: str, found: str | None) -> bool:
    """The place found covers at least half of the labelled one and is not a fragment of it (`8` for `8栋`)."""
    if not found:
        return False
    a, b = text.find(truth), text.find(found)
    if a < 0 or b < 0:
        return False
    shared = min(a + len(truth), b + len(found)) - max(a, b)
    return shared * 2 >= len(truth) and len(found) >= min(2, len(truth))


def agreement(corrections: list[dict[str, Any]], results: list[Triage]) -> float | None:
    """The share of people's corrections the model now agrees with (place only where one was set)."""
    def agrees(row: dict[str, Any], result: Triage) -> bool:
        if not row["is_report"]:
            return not result.is_report
        same = (result.is_report, result.category, result.urgency) == (True, row["category"], row["urgency"])
        return same and (not row.get("location") or result.location == row["location"])
    return _share(sum(agrees(r, t) for r, t in zip(corrections, results)), len(corrections))


def _cell(value: float | None, bar: float | None) -> str:
    if value is None:
        return "     -"
    return f"{value:6.3f}" + ("*" if bar is not None and value < bar else " ")


def table(named: list[tuple[str, dict[str, Any]]]) -> str:
    """One line per (name, figures); `*` marks a figure under the issue's bar."""
    head = f"{'set':<16}{'n':>6}" + "".join(f"{label:>8}" for _, label, _ in FIGURES)
    lines = [head, "-" * len(head)]
    for name, m in named:
        lines.append(f"{name:<16}{m['n']:>6}" + "".join(f" {_cell(m[key], bar)}" for key, _, bar in FIGURES))
    return "\n".join(lines)


def detail(m: dict[str, Any], confusions: int = 25) -> str:
    """Per-class P/R/F1 and the commonest confusions (for open data only: sealed rows are reported as totals)."""
    lines = [f"{'category':<22}{'P':>6}{'R':>6}{'F1':>6}{'n':>5}"]
    for category, (p, r, f, n) in m["per_class"].items():
        lines.append(f"{category:<22}{p:6.2f}{r:6.2f}{f:6.2f}{n:5d}")
    lines += ["", "confusions (truth → predicted, count; None = not a report):"]
    lines += [f"  {truth} → {predicted}: {count}" for (truth, predicted), count in m["confusion"].most_common(confusions)]
    return "\n".join(lines)
