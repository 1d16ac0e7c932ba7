"""Leave-one-voice-out once, each fold's head probabilities kept, decision rules replayed in seconds.

    python -m bench.lovo_folds collect [--dir D] [--matrices] [--only VOICE ...] [--gazetteer]
    python -m bench.lovo_folds replay [--dir D] [--set NAME=VALUE ...] [--urgency-weights CLASS=W ...]
                                      [--detail] [--misses N]

`collect` fits the folds of `run.py eval` (nlp.lovo.splits, the same training code) and writes, for each
held-out open row, what every head said (read through `Classifier.read_many`) and the place it would be
given (by config.yaml's places too with `--gazetteer`, as `run.py eval`; without, as `python -m nlp.cli
eval`), to D (default .lovo_folds/, not committed). `--matrices` also keeps each fold's feature matrices
and training labels, so a head can be refitted without preparing or fitting the rest.
`replay` puts the kept probabilities through `Classifier._decide` with DEFAULTS overridden by `--set`
(e.g. police=0.3, emergency=0.1) and prints `run.py eval`'s table; labels are re-read from the voice
files, so a relabelled row is scored by its new label. `--urgency-weights emergency=6` first refits each
fold's urgency head with those class weights (needs `--matrices`); `--misses N` lists rows it gets wrong.
"""
import argparse
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import load_npz, save_npz

from nlp.classifier import DEFAULTS, Classifier, Heads, heads_of
from nlp.dataset import DATA_DIR
from nlp.features import Read, read_message
from nlp.triage import Triage

CACHE = Path(".lovo_folds")
HEADS = ("report", "police", "emergency", "category", "urgency")
LABELS = ("id", "is_report", "kind", "category", "urgency", "voice", "group")  # what fit_heads reads of a row


def collect(folder: Path = CACHE, matrices: bool = False, only: list[str] | None = None,
            data_dir: Path = DATA_DIR, gazetteer: Any = None) -> None:
    """Fit each fold as `run.py eval` does and write what its heads said of the voice left out.

    Places as `python -m nlp.cli eval` finds them (no configured names) unless a gazetteer is given.
    """
    from nlp.dataset import load
    from nlp.lovo import splits
    from nlp.training import Preparer, for_heads, train_model
    from nlp.voices import load_voices

    preparer = Preparer()
    folder.mkdir(parents=True, exist_ok=True)
    for voice, train, test in splits(load(data_dir), load_voices(data_dir / "voices"), only):
        model = train_model(train, False, preparer)
        classifier = Classifier(model, gazetteer)
        cleaned, masked, read, _ = classifier.read_many([r["text"] for r in test])
        x = model.features(masked, [r.tokens for r in read], [r.cues for r in read])
        out: dict[str, Any] = {"ids": np.array([str(r["id"]) for r in test]), "masked": np.array(masked),
                               "cue_columns": len(model.cues.index)}
        for name, head in model.heads.items():
            out[f"{name}_classes"], out[f"{name}_p"] = np.array([str(c) for c in head.classes]), head.proba(x)
        out["location"] = np.array([json.dumps(loc, ensure_ascii=False) for loc, _ in classifier._places(cleaned)])
        np.savez_compressed(folder / f"{voice}.npz", **out)
        if matrices:
            kept = [train[i] for i in for_heads(train)]
            done = preparer(kept, False)
            save_npz(folder / f"{voice}.train_x.npz", model.features([p.masked for p in done],
                                                                     [p.tokens for p in done], [p.cues for p in done]))
            save_npz(folder / f"{voice}.test_x.npz", x)
            (folder / f"{voice}.train.json").write_text(json.dumps(
                [{k: r.get(k) for k in LABELS} for r in kept], ensure_ascii=False), encoding="utf-8")
        print(f"{voice}: {len(test)} rows kept", flush=True)



def named(folder: Path, voice: str) -> dict[str, list[dict[str, float]]]:
    """One fold's kept probabilities: per head, per held-out row, {class: probability}."""
    with np.load(folder / f"{voice}.npz", allow_pickle=False) as data:
        return {h: [dict(zip(data[f"{h}_classes"].tolist(), row)) for row in data[f"{h}_p"].tolist()] for h in HEADS}


def refit_urgency(folder: Path, voice: str, weights: dict[str, float]) -> list[dict[str, float]]:
    """The fold's urgency head fitted again with these class weights, read on the held-out rows."""
    from nlp.training import URGENCY_WEIGHTS, fit_heads

    train = json.loads((folder / f"{voice}.train.json").read_text(encoding="utf-8"))
    with np.load(folder / f"{voice}.npz", allow_pickle=False) as data:
        cue_columns = int(data["cue_columns"])
    head = fit_heads(load_npz(folder / f"{voice}.train_x.npz").tocsr(), train, cue_columns, ("urgency",),
                     URGENCY_WEIGHTS | weights)["urgency"]
    return head.named(load_npz(folder / f"{voice}.test_x.npz").tocsr())


@dataclass
class Kept:
    """One kept fold: the held-out rows (labels as the files say now), what was read, what the heads said."""

    voice: str
    rows: list[dict[str, Any]]
    masked: list[str]
    read: list[Read]
    heads: list[Heads]
    places: list[str | None]


def kept(folder: Path = CACHE, urgency_weights: dict[str, float] | None = None,
         data_dir: Path = DATA_DIR) -> list[Kept]:
    """Every kept fold (its urgency head refitted first if weights are given)."""
    from nlp.voices import load_voices

    by_id = {str(r["id"]): r for r in load_voices(data_dir / "voices")}
    out = []
    for voice in sorted(p.stem for p in folder.glob("*.npz") if "_x" not in p.name):
        probabilities = named(folder, voice)
        if urgency_weights:
            probabilities["urgency"] = refit_urgency(folder, voice, urgency_weights)
        with np.load(folder / f"{voice}.npz", allow_pickle=False) as data:
            ids, masked, places = data["ids"].tolist(), data["masked"].tolist(), data["location"].tolist()
        out.append(Kept(voice, [by_id[i] for i in ids], masked, [read_message(m) for m in masked],
                        heads_of(probabilities), [json.loads(p) for p in places]))
    return out


class _Limits:
    """Stands in for the model in `Classifier._decide`: only its thresholds are read."""

    def __init__(self, thresholds: dict[str, float]):
        self.thresholds = thresholds


def decide(folds: list[Kept], limits: dict[str, float] | None = None) -> list[list[Triage]]:
    """Each kept fold's rows through `Classifier._decide` with DEFAULTS | limits, the kept place on reports."""
    decider = Classifier(_Limits(DEFAULTS | (limits or {})))  # type: ignore[arg-type]
    out = []
    for f in folds:
        results = [decider._decide(m, r, h) for m, r, h in zip(f.masked, f.read, f.heads)]
        out.append([replace(t, location=p) if t.is_report else t for t, p in zip(results, f.places)])
    return out


def report(folds: list[Kept], decided: list[list[Triage]], detail: bool = False) -> str:
    """The table of `run.py eval` (and per class detail) for replayed folds."""
    from nlp.evaluation import detail as per_class
    from nlp.evaluation import figures, table

    pooled = figures([r for f in folds for r in f.rows], [t for results in decided for t in results])
    text = table([(f.voice, figures(f.rows, results)) for f, results in zip(folds, decided)] + [("all voices", pooled)])
    return text + ("\n\n" + per_class(pooled) if detail else "")


def misses(folds: list[Kept], decided: list[list[Triage]], limit: int) -> str:
    """Open rows the rules get wrong: emergencies not called, chat called a report, police called otherwise."""
    lines = []
    for f, results in zip(folds, decided):
        for r, p, t in zip(f.rows, f.heads, results):
            shape = ("emergency missed" if r["urgency"] == "emergency" and t.urgency != "emergency" else
                     "chat reported" if not r["is_report"] and t.is_report else
                     "police missed" if r.get("kind") == "police" and t.kind != "police" else
                     "false emergency" if t.urgency == "emergency" and r["urgency"] != "emergency" else None)
            if shape:
                lines.append(f"{shape:<16} {f.voice:<10} rep {p.report:.2f} pol {p.police:.2f} "
                             f"emg {p.urgency.get('emergency', 0):.2f} {r.get('category')}/{r.get('urgency')} → "
                             f"{t.category}/{t.urgency} | {r['text'][:90]}")
    return "\n".join(sorted(lines)[:limit or None])


def configured_places() -> Any:
    """config.yaml's places, as `run.py eval` has them."""
    from core.config_load import load_settings
    from core.gazetteer import gazetteer_entries
    from nlp.places import Gazetteer

    return Gazetteer.from_entries(gazetteer_entries(load_settings()))


def _pairs(items: list[str]) -> dict[str, float]:
    return {name: float(value) for name, value in (item.split("=", 1) for item in items)}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.lovo_folds")
    parser.add_argument("command", choices=["collect", "replay"])
    parser.add_argument("--dir", type=Path, default=CACHE)
    parser.add_argument("--matrices", action="store_true", help="collect: keep the feature matrices for refits")
    parser.add_argument("--only", nargs="+", help="collect: only these voices' folds")
    parser.add_argument("--gazetteer", action="store_true", help="collect: config.yaml's places (as run.py eval)")
    parser.add_argument("--set", nargs="+", default=[], metavar="NAME=VALUE", help="replay: thresholds")
    parser.add_argument("--urgency-weights", nargs="+", default=[], metavar="CLASS=W", help="replay: refit urgency")
    parser.add_argument("--detail", action="store_true", help="replay: per class and confusions")
    parser.add_argument("--misses", type=int, default=-1, help="replay: list up to N rows it gets wrong (0: all)")
    args = parser.parse_args()
    if args.command == "collect":
        collect(args.dir, args.matrices, args.only, gazetteer=configured_places() if args.gazetteer else None)
    else:
        folds = kept(args.dir, _pairs(args.urgency_weights))
        decided = decide(folds, _pairs(args.set))
        print(report(folds, decided, args.detail))
        if args.misses >= 0:
            print(misses(folds, decided, args.misses))
