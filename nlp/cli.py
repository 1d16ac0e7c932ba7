"""The triage commands behind `run.py train | eval | classify` (also `python -m nlp.cli ...`)."""
import json
import math
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, NoReturn, TextIO

from nlp.dataset import DATA_DIR, load_checked, split
from nlp.model import DEFAULT_PATH

if TYPE_CHECKING:  # loading the classifier pulls in the model; the CLI imports it when it runs
    from nlp.classifier import Classifier

CONTRACT_KEYS = ("id", "is_report", "kind", "category", "urgency", "location", "confidence")


def run_train(data_dir: Path = DATA_DIR, model_path: Path | None = None, out: TextIO = sys.stdout) -> int:
    """Train on the train split (normalised, masked) and write the model file."""
    from nlp.training import train_model

    loaded = load_checked(Path(data_dir))
    for error in loaded.errors:
        print(f"skipped: {error}", file=sys.stderr)
    train, test = split(loaded.rows)
    started = time.perf_counter()
    model = train_model(train)
    path = Path(model_path or DEFAULT_PATH)
    model.save(path)
    print(f"trained on {len(train)} messages ({len(test)} held out, {len(loaded.errors)} bad lines skipped) in "
          f"{time.perf_counter() - started:.1f}s; wrote {path} ({path.stat().st_size // 1024} KB)", file=out)
    return 0


def run_eval(classifier: "Classifier", data_dir: Path = DATA_DIR, out: TextIO = sys.stdout) -> int:
    """Score the classifier on the held-out split and print the report."""
    from nlp.evaluation import evaluate, render

    _, test = split(load_checked(Path(data_dir)).rows)
    started = time.perf_counter()
    results = classifier.classify_many([r["text"] for r in test])
    seconds = time.perf_counter() - started
    print(render(evaluate(test, results), len(test) / max(seconds, 1e-9)), file=out)
    return 0


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
        item = json.loads(line, parse_constant=_not_json, parse_float=_finite)
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


def _dumps(row: dict[str, Any]) -> str:
    """The output line: UTF-8, and a lone surrogate (from a \\ud800 escape in the id) kept escaped."""
    line = json.dumps(row, ensure_ascii=False)
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
