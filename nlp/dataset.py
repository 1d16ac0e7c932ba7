"""The labelled messages: load, check against the labelling guide, split by seed group."""
import json
import random
from pathlib import Path

from nlp.triage import CATEGORIES, URGENCIES, kind_of

DATA_DIR = Path(__file__).resolve().parent / "data"


class BadRow(ValueError):
    """A labelled line that breaks the guide."""


def load(data_dir: Path = DATA_DIR) -> list[dict]:
    """Every row of every *.jsonl file, checked."""
    rows = []
    for path in sorted(Path(data_dir).glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                row = json.loads(line)
                check(row, f"{path.name}:{number}")
                row.setdefault("group", f"{path.name}:{number}")
                rows.append(row)
    return rows


def check(row: dict, where: str) -> None:
    """Labels in the vocabulary, kind consistent with category, location a substring."""
    if row["is_report"]:
        if row["category"] not in CATEGORIES or row["urgency"] not in URGENCIES:
            raise BadRow(f"{where}: bad category/urgency {row['category']!r}/{row['urgency']!r}")
        if row["kind"] != kind_of(row["category"]):
            raise BadRow(f"{where}: kind {row['kind']!r} does not match {row['category']!r}")
    elif any(row.get(k) for k in ("kind", "category", "urgency", "location")):
        raise BadRow(f"{where}: a non-report must have null labels")
    if row.get("location") and row["location"] not in row["text"]:
        raise BadRow(f"{where}: location {row['location']!r} is not in the text")


def split(rows: list[dict], test_share: float = 0.2, seed: int = 7) -> tuple[list[dict], list[dict]]:
    """Train/test by seed group (variants of one message never straddle), de-duplicated by text."""
    groups = sorted({r["group"] for r in rows})
    rng = random.Random(seed)
    rng.shuffle(groups)
    test_groups = set(groups[:int(len(groups) * test_share)])
    train, test, seen = [], [], set()
    for row in rows:
        if row["text"] in seen:
            continue
        seen.add(row["text"])
        (test if row["group"] in test_groups else train).append(row)
    train_texts = {r["text"] for r in train}
    return train, [r for r in test if r["text"] not in train_texts]
