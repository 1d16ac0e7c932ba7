"""Leave-one-voice-out once, decision rules replayed in seconds.

A full leave-one-voice-out is ten fits (minutes on a shared machine); the thresholds and decision rules
act only on what the heads said. `build` runs the folds once and keeps, for every held-out open row,
its masked text, what the model read (cues, rule hits), the heads' probabilities and the place it
would give; `replay` puts them through `Classifier._decide` with any thresholds and prints the same
table as `run.py eval` (same folds, same training code: the figures are `run.py eval`'s, up to the
last digit that a fit's rounding can move on a loaded machine).
Sealed rows never enter: the folds are nlp/lovo.py's, which drop them first.

    python -m bench.lovo_cache build [--cache PATH] [--only VOICE ...]   # after features/training change
    python -m bench.lovo_cache replay [--cache PATH] [--set emergency=0.1 ...] [--misses N]
"""
import argparse
import pickle
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from nlp.classifier import Classifier, Heads
from nlp.features import Read
from nlp.triage import Triage

CACHE = Path(__file__).resolve().parent.parent / ".cache" / "lovo.pkl"


@dataclass
class Seen:
    """One held-out row and what its fold's model made of it, before any threshold."""

    row: dict[str, Any]
    masked: str
    read: Read
    heads: Heads
    place: str | None  # the place given if it is called a report
    raw: dict[str, float] = field(default_factory=dict)  # each head's own positive reading, before any merging


def build(path: Path = CACHE, only: list[str] | None = None) -> dict[str, list[Seen]]:
    """Run the folds (all, or `only` these voices, merged into an existing cache) and write the cache."""
    from core.config_load import load_settings
    from core.gazetteer import gazetteer_entries
    from nlp.dataset import load
    from nlp.lovo import leave_one_voice_out
    from nlp.places import Gazetteer
    from nlp.training import Preparer, train_model
    from nlp.voices import load_voices

    gazetteer = Gazetteer.from_entries(gazetteer_entries(load_settings()))
    preparer = Preparer()
    kept: dict[str, list[Seen]] = {}

    def fit(rows: list[dict[str, Any]]) -> Classifier:
        return _Keeping(train_model(rows, False, preparer), gazetteer, kept)

    folds = leave_one_voice_out(load(), load_voices(), fit, only)
    cache = load_cache(path) if only and path.exists() else {}
    for fold, seen in zip(folds, kept.values()):
        cache[fold.voice] = seen
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(cache))
    return cache


class _Keeping(Classifier):
    """A classifier that also keeps what it read of the texts it classifies (one batch per fold)."""

    def __init__(self, model: Any, gazetteer: Any, kept: dict[str, list[Seen]]):
        super().__init__(model, gazetteer)
        self.kept = kept
        self.keeping = True

    def warm_up(self) -> "Classifier":
        keeping, self.keeping = self.keeping, False  # its one message is not a fold's
        super().warm_up()
        self.keeping = keeping
        return self

    def classify_many(self, texts: list[str]) -> list[Triage]:
        if not self.keeping:
            return super().classify_many(texts)
        cleaned, masked, read, heads = self.read_many(texts)
        places = [location for location, _ in self._places(cleaned)]
        x = self.model.features(masked, [r.tokens for r in read], [r.cues for r in read])
        raw = [{"emergency": e[1], "urgency": u[list(self.model.heads["urgency"].classes).index("emergency")]}
               for e, u in zip(self.model.heads["emergency"].proba(x), self.model.heads["urgency"].proba(x))]
        self.kept[str(len(self.kept))] = [Seen({}, m, r, h, p, w)
                                          for m, r, h, p, w in zip(masked, read, heads, places, raw)]
        return super().classify_many(texts)


def load_cache(path: Path = CACHE) -> dict[str, list[Seen]]:
    """The cached folds, rows attached (the voice files are re-read: labels may have been corrected)."""
    from nlp.voices import load_voices, open_rows

    cache: dict[str, list[Seen]] = pickle.loads(path.read_bytes())
    for voice, seen in cache.items():
        rows = [r for r in open_rows(load_voices()) if r["voice"] == voice]
        if len(rows) != len(seen):
            raise SystemExit(f"{voice}: {len(rows)} open rows now, {len(seen)} cached: build again")
        for s, row in zip(seen, rows):
            s.row = row
    return cache


def replay(cache: dict[str, list[Seen]], thresholds: dict[str, float] | None = None) -> dict[str, list[Triage]]:
    """Every cached row through the decision rules with these thresholds (over the model's)."""
    decider = Classifier.__new__(Classifier)
    decider.model = _Limits(thresholds or {})  # type: ignore[assignment]
    out = {}
    for voice, seen in cache.items():
        results = [decider._decide(s.masked, s.read, s.heads) for s in seen]
        out[voice] = [replace(t, location=s.place) if t.is_report else t for t, s in zip(results, seen)]
    return out


@dataclass
class _Limits:
    thresholds: dict[str, float]


def report(cache: dict[str, list[Seen]], results: dict[str, list[Triage]]) -> str:
    """The `run.py eval` table: each voice, then all voices pooled."""
    from nlp.evaluation import figures, table

    named = [(v, figures([s.row for s in cache[v]], results[v])) for v in sorted(cache)]
    every = [s.row for v in sorted(cache) for s in cache[v]]
    return table(named + [("all voices", figures(every, [t for v in sorted(cache) for t in results[v]]))])


def misses(cache: dict[str, list[Seen]], results: dict[str, list[Triage]], limit: int) -> str:
    """Open rows the rules get wrong: emergencies not called, chat called a report, police called otherwise."""
    lines = []
    for voice in sorted(cache):
        for s, t in zip(cache[voice], results[voice]):
            r, p = s.row, s.heads
            shape = ("emergency missed" if r["urgency"] == "emergency" and t.urgency != "emergency" else
                     "chat reported" if not r["is_report"] and t.is_report else
                     "police missed" if r.get("kind") == "police" and t.kind != "police" else
                     "false emergency" if t.urgency == "emergency" and r["urgency"] != "emergency" else None)
            if shape:
                lines.append(f"{shape:<16} {voice:<10} rep {p.report:.2f} pol {p.police:.2f} "
                             f"emg {p.urgency.get('emergency', 0):.2f} {r.get('category')}/{r.get('urgency')} → "
                             f"{t.category}/{t.urgency} | {r['text'][:90]}")
    lines.sort()
    return "\n".join(lines[:limit] if limit else lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.lovo_cache")
    parser.add_argument("command", choices=["build", "replay"])
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--only", nargs="+", help="build: only these voices' folds (merged into the cache)")
    parser.add_argument("--set", nargs="+", default=[], metavar="NAME=VALUE", help="replay: thresholds")
    parser.add_argument("--misses", type=int, default=-1, help="replay: list up to N rows it gets wrong (0: all)")
    args = parser.parse_args()
    cache = build(args.cache, args.only) if args.command == "build" else load_cache(args.cache)
    if args.command == "build":
        cache = load_cache(args.cache)
    limits = {name: float(value) for name, value in (item.split("=", 1) for item in args.set)}
    results = replay(cache, limits)
    print(report(cache, results))
    if args.misses >= 0:
        print(misses(cache, results, args.misses))


if __name__ == "__main__":  # run as the module, so the cache's classes pickle as bench.lovo_cache.Seen
    from bench.lovo_cache import main as run

    run()
