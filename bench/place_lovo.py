"""Leave-one-voice-out place figure, refitting only the place tagger: seconds a fold instead of minutes.

The tagger is fitted apart from the text heads (`nlp.training.fit_places`), so a change to the
tagger, its features or its seeds leaves the heads' report calls as they were. `--heads FILE`
runs the full leave-one-voice-out once and keeps which open rows each fold called a report; given
that file, a labelled place on a row not called a report counts as missed, as in `run.py eval`.
Without it the figure is the tagger's alone (every labelled place scored). Open rows only.

    python -m bench.place_lovo [--heads /tmp/lovo_reports.json] [--only louzhang,villager] [--misses N]
"""
import argparse
import json
from pathlib import Path
from typing import cast

from bench.lovo_folds import configured_places
from nlp.classifier import Classifier
from nlp.dataset import DATA_DIR, load
from nlp.evaluation import place_found
from nlp.gazetteer import Gazetteer
from nlp.lovo import leave_one_voice_out, splits
from nlp.model import TriageModel
from nlp.normalize import normalize
from nlp.place_tagger import PlaceTagger
from nlp.script import make_t2s
from nlp.training import Preparer, fit_places, train_model
from nlp.voices import load_voices


class _PlacesOnly:
    """What Classifier._places reads of a model: its tagger."""

    def __init__(self, places: PlaceTagger):
        self.places = places


def report_calls(path: Path, gazetteer: Gazetteer) -> dict[str, bool]:
    """Which open voice rows the full model, trained without their voice, calls reports (computed once, kept)."""
    if path.exists():
        return cast(dict[str, bool], json.loads(path.read_text(encoding="utf-8")))
    preparer = Preparer()
    folds = leave_one_voice_out(load(DATA_DIR), load_voices(DATA_DIR / "voices"),
                                lambda rows: Classifier(train_model(rows, False, preparer), gazetteer))
    calls = {r["id"]: t.is_report for f in folds for r, t in zip(f.rows, f.results)}
    path.write_text(json.dumps(calls), encoding="utf-8")
    return calls


def run(heads: Path | None, only: list[str] | None, misses: int) -> str:
    """Per voice and pooled: labelled places found; the first `misses` misses of each voice."""
    gazetteer = configured_places()
    calls = report_calls(heads, gazetteer) if heads else None
    preparer, t2s = Preparer(), make_t2s()
    lines, hits, total = [], 0, 0
    for voice, train, held_out in splits(load(DATA_DIR), load_voices(DATA_DIR / "voices"), only):
        fitted = fit_places(preparer([r for r in train if r["is_report"]], progress=False))
        classifier = Classifier(cast(TriageModel, _PlacesOnly(fitted)), gazetteer)
        test = [r for r in held_out if r["is_report"] and r.get("location")]
        found = [loc for loc, _ in classifier._places([normalize(r["text"], t2s) for r in test])]
        if calls is not None:
            found = [loc if calls.get(r["id"], True) else None for r, loc in zip(test, found)]
        good = [place_found(r["text"], r["location"], f) for r, f in zip(test, found)]
        hits, total = hits + sum(good), total + len(test)
        lines.append(f"{voice:<12}{len(test):>5}{sum(good) / len(test):8.3f}")
        wrong = [(r, f) for r, f, g in zip(test, found, good) if not g]
        lines += [f"    {r['location']!r:<24} found {f!r:<24} {r['text'][:70]}" for r, f in wrong[:misses]]
    lines.append(f"{'pooled':<12}{total:>5}{hits / total:8.3f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--heads", type=Path, help="file of the full model's report calls (made once if missing)")
    parser.add_argument("--only", help="comma-separated voices")
    parser.add_argument("--misses", type=int, default=0, help="misses to print per voice")
    args = parser.parse_args(argv)
    print(run(args.heads, args.only.split(",") if args.only else None, args.misses))


if __name__ == "__main__":
    main()
