"""The triage commands behind `run.py train | eval | classify` (also `python -m nlp.cli ...`)."""
import json
import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, NoReturn, TextIO

from nlp.dataset import DATA_DIR, load_checked
from nlp.model import DEFAULT_PATH
from nlp.voices import load_voices, open_rows, sealed_rows

if TYPE_CHECKING:  # loading the classifier pulls in the model; the CLI imports it when it runs
    from nlp.classifier import Classifier
    from nlp.triage import Triage

CONTRACT_KEYS = ("id", "is_report", "kind", "category", "urgency", "location", "confidence")


def training_rows(data_dir: Path = DATA_DIR, corrections: Sequence[dict[str, Any]] = (),
                  out: TextIO = sys.stderr) -> list[dict[str, Any]]:
    """The seeds, every voice's open rows and the supervisors' corrections: all a model may learn from."""
    loaded = load_checked(Path(data_dir))
    for error in loaded.errors:
        print(f"skipped: {error}", file=out)
    return loaded.rows + open_rows(load_voices(Path(data_dir) / "voices")) + list(corrections)


def run_train(data_dir: Path = DATA_DIR, model_path: Path | None = None, out: TextIO = sys.stdout,
              corrections: Sequence[dict[str, Any]] = ()) -> int:
    """Train on the seeds, the voices' open rows and the corrections; write the model file."""
    from nlp.training import train_model

    rows = training_rows(data_dir, corrections)
    started = time.perf_counter()
    model = train_model(rows)
    path = Path(model_path or DEFAULT_PATH)
    model.save(path)
    voices = sum(1 for r in rows if r.get("voice"))
    print(f"trained on {len(rows)} messages ({voices} from voices, {len(corrections)} corrections) in "
          f"{time.perf_counter() - started:.1f}s; wrote {path} ({path.stat().st_size // 1024} KB)", file=out)
    return 0


def run_eval(classifier: "Classifier", data_dir: Path = DATA_DIR, out: TextIO = sys.stdout,
             corrections: Sequence[dict[str, Any]] = (), folds: list[str] | None = None) -> int:
    """Leave-one-voice-out figures per voice, the shipped model on the sealed rows and the voices held out whole,
    agreement with corrections."""
    from nlp.classifier import Classifier
    from nlp.evaluation import detail, table
    from nlp.lovo import leave_one_voice_out, pooled
    from nlp.training import Preparer, train_model

    preparer = Preparer()  # each message is normalised and featurised once for all the folds
    seeds = load_checked(Path(data_dir)).rows
    voice_rows = load_voices(Path(data_dir) / "voices")
    started = time.perf_counter()
    done = leave_one_voice_out(seeds + list(corrections), voice_rows,
                               lambda rows: Classifier(train_model(rows, False, preparer), classifier.gazetteer),
                               only=folds)
    print("Leave-one-voice-out (trained on the seeds and the other voices' open rows; `*` under the bar):", file=out)
    print(table([(f.voice, f.figures) for f in done] + [("all voices", pooled(done))]), file=out)
    print("\nSealed quarter of each voice (never trained on), the shipped model:", file=out)
    print(_per_voice(classifier, sealed_rows(voice_rows), "all sealed"), file=out)
    held_out = load_voices(Path(data_dir) / "holdout")
    if held_out:
        print("\nVoices held out whole (nlp/data/holdout: hands never trained or tuned on), the shipped model:",
              file=out)
        print(_per_voice(classifier, held_out, "all held out"), file=out)
    print(f"\n{agreement_line(classifier, corrections)}", file=out)
    if done:
        print("\nLeave-one-voice-out, all voices: per class and confusions\n" + detail(pooled(done)), file=out)
    print(f"\n({time.perf_counter() - started:.0f} s)", file=out)
    return 0


def _per_voice(classifier: "Classifier", rows: list[dict[str, Any]], total: str) -> str:
    """The figures table of `rows`, one line per voice and one for them all."""
    from nlp.evaluation import figures, table

    named = [(v, figures(*_scored(classifier, [r for r in rows if r["voice"] == v])))
             for v in sorted({r["voice"] for r in rows})]
    return table(named + [(total, figures(*_scored(classifier, rows)))])


def _scored(classifier: "Classifier", rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list["Triage"]]:
    return rows, classifier.classify_many([r["text"] for r in rows])


def agreement_line(classifier: "Classifier", corrections: Sequence[dict[str, Any]]) -> str:
    """How often the model now agrees with the corrections given (the last 30 days' are passed in)."""
    if not corrections:
        return "Corrections of the last 30 days: none"
    from nlp.evaluation import agreement

    share = agreement(list(corrections), classifier.classify_many([r["text"] for r in corrections]))
    return f"Corrections of the last 30 days: {len(corrections)}, the model agrees with {share:.1%}"


def run_classify(classifier: "Classifier", infile: BinaryIO | None = None, outfile: TextIO | None = None,
                 batch: int = 256) -> int:
    """Contract 3: JSON lines {"id", "text"} in, one JSON line per input out, in order; bad lines get "error".

    `infile` yields bytes (stdin's buffer by default: the UTF-8 check is ours, whatever the locale)
    or str lines.
    """
    infile = sys.stdin.buffer if infile is None else infile
    outfile = sys.stdout if outfile is None else outfile
    pending: list[tuple[object, object]] = []  # (id, text) or (id, error message)

    def flush() -> None:
        texts = [str(text) for _, text in pending if not isinstance(text, _Error)]
        results = iter(classifier.classify_many(texts))
        for ident, text in pending:
            row = {"id": ident, "error": str(text)} if isinstance(text, _Error) else \
                {"id": ident, **next(results).to_contract_dict()}
            outfile.write(_dumps(row) + "\n")
        pending.clear()

    for number, line in enumerate(infile):
        if number == 0:  # files saved by Windows editors start with a byte-order mark
            line = line.removeprefix(b"\xef\xbb\xbf") if isinstance(line, bytes) else line.removeprefix("\ufeff")
        if line.strip():
            pending.append(_parse(line))
        if len(pending) >= batch:
            flush()
    flush()
    outfile.flush()
    return 0


class _Error(str):
    """Why an input line could not be classified."""


def _parse(line: bytes | str) -> tuple[object, object]:
    """(id, text) for a good line, (id if any, _Error) for a bad one."""
    try:  # a str line holding surrogates was read with errors="surrogateescape": its bytes were not UTF-8
        line = line.decode("utf-8") if isinstance(line, bytes) else line
        line.encode("utf-8")
    except UnicodeError:
        return None, _Error("bad input line: not UTF-8")
    try:
        item = _decoded(line)
    except RecursionError:
        return None, _Error("bad input line: not JSON (nested too deep)")
    except ValueError as exc:
        return None, _Error(f"bad input line: not JSON ({getattr(exc, 'msg', exc)})")
    if not isinstance(item, dict):
        return None, _Error("bad input line: not a JSON object")
    ident = item.get("id")
    if not isinstance(item.get("text"), str):
        return ident, _Error("bad input line: no text string")
    return ident, item["text"]


def _not_json(constant: str) -> NoReturn:
    raise ValueError(f"{constant} is not JSON")


def _finite(number: str) -> float:
    value = float(number)
    if not math.isfinite(value):  # 1e999: would be written back as Infinity, which is not JSON
        raise ValueError("number out of range")
    return value


# Made once: json.loads and json.dumps with options build a decoder or an encoder for every line.
_DECODER = json.JSONDecoder(parse_constant=_not_json, parse_float=_finite)
_ENCODER = json.JSONEncoder(ensure_ascii=False)


def _decoded(line: str) -> Any:
    """json.loads(line, parse_constant=_not_json, parse_float=_finite), with its errors."""
    if line.startswith("\ufeff"):
        raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", line, 0)
    return _DECODER.decode(line)


def _dumps(row: dict[str, Any]) -> str:
    """The output line: UTF-8, and a lone surrogate (from a \\ud800 escape in the id) kept escaped."""
    line = _ENCODER.encode(row)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = json.dumps(row)
    return line


def main(argv: list[str]) -> int:
    """`python -m nlp.cli train|eval|classify [--data DIR] [--model PATH]` without a config file."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m nlp.cli")
    parser.add_argument("command", choices=["train", "eval", "classify"])
    parser.add_argument("--data", type=Path, default=DATA_DIR)
    parser.add_argument("--model", type=Path)
    args = parser.parse_args(argv)
    if args.command == "train":
        return run_train(args.data, args.model)
    from nlp.classifier import Classifier

    classifier = Classifier.load(args.model).warm_up()
    if args.command == "eval":
        return run_eval(classifier, args.data)
    return run_classify(classifier, sys.stdin.buffer, sys.stdout)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
