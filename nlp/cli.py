"""The triage commands behind `run.py train | eval | classify`."""
import json
import sys
import time
from pathlib import Path

from nlp.dataset import DATA_DIR, load, split
from nlp.model import DEFAULT_PATH, TriageModel
from nlp.normalize import normalize
from nlp.privacy import mask
from nlp.segment import make_tokenizer, words


def run_train(data_dir: Path = DATA_DIR, model_path: Path | None = None, out=sys.stdout) -> int:
    """Train on the train split (masked, normalised) and write the model file."""
    from opencc import OpenCC
    from tqdm import tqdm

    train, test = split(load(data_dir))
    tokenizer, t2s = make_tokenizer(), OpenCC("t2s").convert
    texts, tokens = [], []
    for row in tqdm(train, desc="准备训练数据", unit="条", file=sys.stderr):
        clean = mask(normalize(row["text"], t2s).text)
        texts.append(clean)
        tokens.append(words(tokenizer, clean))
    started = time.perf_counter()
    model = TriageModel.train(texts, tokens, [r["is_report"] for r in train], [r["category"] for r in train],
                              [r["urgency"] for r in train])
    path = Path(model_path or DEFAULT_PATH)
    model.save(path)
    print(f"trained on {len(train)} messages ({len(test)} held out) in {time.perf_counter() - started:.1f}s; "
          f"wrote {path} ({path.stat().st_size // 1024} KB)", file=out)
    return 0


def run_eval(classifier, data_dir: Path = DATA_DIR, out=sys.stdout) -> int:
    """Score the classifier on the held-out split and print the report."""
    from nlp.evaluation import evaluate, render

    _, test = split(load(data_dir))
    started = time.perf_counter()
    results = classifier.classify_many([r["text"] for r in test])
    seconds = time.perf_counter() - started
    print(render(evaluate(test, results), len(test) / seconds), file=out)
    return 0


def run_classify(classifier, infile=sys.stdin, outfile=sys.stdout, batch: int = 256) -> int:
    """Contract 3: JSON lines {"id", "text"} in, one JSON line per input out."""
    pending: list[tuple[object, str]] = []

    def flush() -> None:
        for (ident, _), triage in zip(pending, classifier.classify_many([t for _, t in pending])):
            outfile.write(json.dumps({"id": ident, **triage.to_contract_dict()}, ensure_ascii=False) + "\n")
        pending.clear()

    for line in infile:
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise ValueError("each line must be a JSON object")
            text = item.get("text")
            pending.append((item.get("id"), text if isinstance(text, str) else ""))
        except ValueError as exc:
            flush()
            outfile.write(json.dumps({"id": None, "error": f"bad input line: {exc}"}, ensure_ascii=False) + "\n")
            continue
        if len(pending) >= batch:
            flush()
    flush()
    outfile.flush()
    return 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "classify"
    if command == "train":
        sys.exit(run_train())
    from nlp.classifier import Classifier
    classifier = Classifier.load().warm_up()
    sys.exit(run_eval(classifier) if command == "eval" else run_classify(classifier))
