"""Leave-one-voice-out once, each fold's head probabilities kept, decision rules replayed in seconds.

`python -m bench.lovo_folds collect [--dir D] [--matrices]`: the ten fits of `run.py eval` (same
training code, same folds, open rows only), and for each held-out row what every head said and the
place found, written to D (default .lovo_folds/, not committed). `--matrices` also keeps each fold's
feature matrices, labels and weights, so one head can be refitted without preparing or fitting the rest.
`python -m bench.lovo_folds replay [--dir D] [name=value ...]`: the figures per voice from the cached
probabilities through `Classifier._decide` with DEFAULTS overridden by name=value (e.g. police=0.3);
the labels are read from the files again, so a relabelled row is scored by its new label.
"""
import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import load_npz, save_npz

from nlp.classifier import DEFAULTS, Classifier, Heads
from nlp.features import read_message
from nlp.triage import Triage

CACHE = Path(".lovo_folds")


def collect(folder: Path = CACHE, matrices: bool = False, only: list[str] | None = None) -> None:
    """Fit each fold as `run.py eval` does and write what its heads said of the voice left out."""
    from core.config_load import load_settings
    from core.gazetteer import gazetteer_entries
    from nlp.dataset import load
    from nlp.places import Gazetteer
    from nlp.training import Preparer, train_model
    from nlp.voices import load_voices, open_rows

    gazetteer = Gazetteer.from_entries(gazetteer_entries(load_settings()))
    seeds, usable = load(), open_rows(load_voices())
    preparer = Preparer()
    folder.mkdir(parents=True, exist_ok=True)
    for voice in only or sorted({r["voice"] for r in usable}):
        train = seeds + [r for r in usable if r["voice"] != voice]
        test = [r for r in usable if r["voice"] == voice]
        model = train_model(train, False, preparer)
        classifier = Classifier(model, gazetteer).warm_up()
        prepared = preparer(test, False)
        x = model.features([p.masked for p in prepared], [p.tokens for p in prepared], [p.cues for p in prepared])
        out: dict[str, Any] = {"ids": np.array([r["id"] for r in test]), "cue_columns": len(model.cues.index),
                               "masked": np.array([p.masked for p in prepared])}
        for name, head in model.heads.items():
            out[f"{name}_classes"] = np.array([str(c) for c in head.classes])
            out[f"{name}_p"] = head.proba(x)
        places = classifier._places([_normalized(classifier, r["text"]) for r in test])
        out["location"] = np.array([json.dumps(loc, ensure_ascii=False) for loc, _ in places])
        np.savez_compressed(folder / f"{voice}.npz", **out)
        if matrices:
            done = preparer(train, False)
            save_npz(folder / f"{voice}.train_x.npz", model.features([p.masked for p in done],
                                                                     [p.tokens for p in done], [p.cues for p in done]))
            save_npz(folder / f"{voice}.test_x.npz", x)
            (folder / f"{voice}.train.json").write_text(json.dumps(
                [{k: r.get(k) for k in ("id", "is_report", "kind", "category", "urgency", "voice", "group")}
                 for r in train], ensure_ascii=False), encoding="utf-8")
        print(f"{voice}: {len(test)} rows cached", flush=True)


def _normalized(classifier: Classifier, text: str) -> Any:
    from nlp.normalize import normalize

    return normalize(text[:2000], classifier._t2s)


def load_fold(folder: Path, voice: str) -> dict[str, Any]:
    """One fold's cache as arrays (probabilities per head with their class names)."""
    with np.load(folder / f"{voice}.npz", allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


def fold_matrices(folder: Path, voice: str) -> tuple[Any, list[dict[str, Any]], Any]:
    """(training matrix, training rows' labels, held-out matrix) of a fold collected with --matrices."""
    train = json.loads((folder / f"{voice}.train.json").read_text(encoding="utf-8"))
    return load_npz(folder / f"{voice}.train_x.npz").tocsr(), train, load_npz(folder / f"{voice}.test_x.npz").tocsr()


class _Limits:
    """Stands in for the model in `Classifier._decide`: only its thresholds are read."""

    def __init__(self, thresholds: dict[str, float]):
        self.thresholds = thresholds


Override = Callable[[str, dict[str, Any]], dict[str, Any]]  # (voice, fold cache) -> fold cache with heads replaced


def replay(folder: Path = CACHE, limits: dict[str, float] | None = None,
           override: Override | None = None) -> list[tuple[str, list[dict[str, Any]], list[Triage]]]:
    """(voice, labelled rows, results) per cached fold, decided with DEFAULTS | limits."""
    from nlp.voices import load_voices

    by_id = {r["id"]: r for r in load_voices()}
    decider = Classifier(_Limits(DEFAULTS | (limits or {})))  # type: ignore[arg-type]
    out = []
    for path in sorted(p for p in folder.glob("*.npz") if "_x" not in p.name):
        fold = load_fold(folder, path.stem)
        if override:
            fold = override(path.stem, fold)
        named = {h: [dict(zip(fold[f"{h}_classes"].tolist(), row)) for row in fold[f"{h}_p"].tolist()]
                 for h in ("report", "police", "emergency", "category", "urgency")}
        results = []
        for i, masked in enumerate(fold["masked"].tolist()):
            urgency = dict(named["urgency"][i])
            urgency["emergency"] = (urgency.get("emergency", 0.0) + named["emergency"][i].get("1", 0.0)) / 2
            heads = Heads(named["report"][i].get("1", 0.0), named["police"][i].get("1", 0.0), named["category"][i],
                          urgency)
            triage = decider._decide(masked, read_message(masked), heads)
            if triage.is_report:
                triage = Triage(**{**triage.__dict__, "location": json.loads(str(fold["location"][i]))})
            results.append(triage)
        out.append((path.stem, [by_id[str(i)] for i in fold["ids"].tolist()], results))
    return out


def report(folds: list[tuple[str, list[dict[str, Any]], list[Triage]]], detail: bool = False) -> str:
    """The table of `run.py eval` (and per class detail) for replayed folds."""
    from nlp.evaluation import detail as per_class
    from nlp.evaluation import figures, table

    pooled = figures([r for _, rows, _ in folds for r in rows], [t for _, _, res in folds for t in res])
    text = table([(v, figures(rows, res)) for v, rows, res in folds] + [("all voices", pooled)])
    return text + ("\n\n" + per_class(pooled) if detail else "")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.lovo_folds")
    parser.add_argument("command", choices=["collect", "replay"])
    parser.add_argument("limits", nargs="*", help="name=value threshold overrides (replay)")
    parser.add_argument("--dir", type=Path, default=CACHE)
    parser.add_argument("--matrices", action="store_true")
    parser.add_argument("--only", nargs="+")
    parser.add_argument("--detail", action="store_true")
    args = parser.parse_intermixed_args()
    if args.command == "collect":
        collect(args.dir, args.matrices, args.only)
    else:
        given = {k: float(v) for k, v in (item.split("=", 1) for item in args.limits)}
        print(report(replay(args.dir, given), args.detail))
