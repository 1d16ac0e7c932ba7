"""Triage quality on the voices, ours against the TF-IDF + LR baseline on the same split.

`python -m bench.triage_quality [--model PATH]`: leave-one-voice-out for both (each fold trains
on the seeds and the other voices' open rows), then each trained on every open row and scored
on the sealed quarter (totals only), and the given model file as shipped on both.
"""
import argparse
import time

from bench.triage_baseline import Baseline


def run(model_path=None, only: tuple[str, ...] = ("ours", "baseline", "shipped")) -> str:
    """Every table, as text."""
    from core.config_load import load_settings
    from core.gazetteer import gazetteer_entries
    from nlp.classifier import Classifier
    from nlp.cli import training_rows
    from nlp.dataset import load
    from nlp.evaluation import figures, table
    from nlp.lovo import leave_one_voice_out, pooled
    from nlp.places import Gazetteer
    from nlp.training import Preparer, train_model
    from nlp.voices import load_voices, open_rows, sealed_rows

    gazetteer = Gazetteer.from_entries(gazetteer_entries(load_settings()))
    seeds, voices = load(), load_voices()
    sealed, out = sealed_rows(voices), []
    preparer = Preparer()
    fits = {"ours": lambda rows: Classifier(train_model(rows, False, preparer), gazetteer), "baseline": Baseline}
    for name, fit in ((n, f) for n, f in fits.items() if n in only):
        started = time.perf_counter()
        folds = leave_one_voice_out(seeds, voices, fit)
        whole = fit(training_rows())
        on_sealed = figures(sealed, whole.classify_many([r["text"] for r in sealed]))
        out.append(f"### {name}: leave-one-voice-out, then trained on all open rows and scored on the sealed rows "
                   f"({time.perf_counter() - started:.0f} s)\n```\n"
                   + table([(f.voice, f.figures) for f in folds] + [("all voices", pooled(folds)),
                                                                    ("sealed", on_sealed)]) + "\n```")
    if "shipped" not in only:
        return "\n\n".join(out)
    shipped = Classifier.load(model_path, gazetteer).warm_up()
    opened = open_rows(voices)
    out.append("### the model file as it is, on every voice's open rows and on the sealed rows\n```\n" + table([
        ("open rows", figures(opened, shipped.classify_many([r["text"] for r in opened]))),
        ("sealed", figures(sealed, shipped.classify_many([r["text"] for r in sealed])))]) + "\n```")
    return "\n\n".join(out)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.triage_quality")
    parser.add_argument("--model", help="model file to score as shipped (default nlp/model/triage.npz)")
    parser.add_argument("--only", nargs="+", default=["ours", "baseline", "shipped"],
                        choices=["ours", "baseline", "shipped"])
    args = parser.parse_args()
    print(run(args.model, tuple(args.only)))
