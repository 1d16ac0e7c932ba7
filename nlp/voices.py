"""Messages written by many hands, one file per voice (nlp/data/voices/<voice>.jsonl), and the sealed part.

Each voice was written separately, in one persona, to the labelling guide (nlp/data/GUIDE.md).
A fixed quarter of every voice is *sealed*: chosen by a keyed hash of the row's id, never trained
on, and only ever reported as totals. The rest trains the shipped model and is scored
leave-one-voice-out: trained on the seeds and every other voice, tested on the one left out.
Whole voices in nlp/data/holdout/ are never trained on at all: hands the shipped model has never
seen, as a resident's will be, scored whole and never tuned on.
"""
import hashlib
import sys
from pathlib import Path
from typing import Any

from nlp.dataset import DATA_DIR, BadRow, check, read_labelled

VOICES_DIR = DATA_DIR / "voices"
HOLDOUT_DIR = DATA_DIR / "holdout"
SEALED_SHARE = 0.25


def is_sealed(row_id: str) -> bool:
    """True for the fixed quarter of ids that no model may train on (stable across runs and file growth)."""
    digest = hashlib.blake2b(f"sealed:{row_id}".encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64 < SEALED_SHARE


def read_voice_file(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """The rows of one voice file that follow the guide (with a `sealed` flag), and why the others were left out."""
    seen: set[str] = set()

    def with_id(row: dict[str, Any], where: str) -> None:
        check(row, where)
        if not isinstance(row.get("id"), str) or not row["id"] or row["id"] in seen:
            raise BadRow(f"{where}: missing or repeated id")
        seen.add(row["id"])

    rows, errors = read_labelled(path, with_id)
    for row in rows:
        row["voice"] = row.get("voice") or path.stem
        row["source"] = f"voices/{path.name}"
        row["sealed"] = is_sealed(row["id"])
    return rows, errors


def load_voices(voices_dir: Path = VOICES_DIR) -> list[dict[str, Any]]:
    """Every good row of every voice file, sealed ones included (flagged)."""
    rows = []
    for path in sorted(Path(voices_dir).glob("*.jsonl")):
        rows += read_voice_file(path)[0]
    return rows


def open_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows a model may learn from."""
    return [r for r in rows if not r.get("sealed")]


def sealed_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows kept away from training."""
    return [r for r in rows if r.get("sealed")]


def import_voices(source: Path, target: Path = VOICES_DIR) -> list[str]:
    """Copy each writer's file into the repository (whole lines only, the guide checked); one line per file."""
    target.mkdir(parents=True, exist_ok=True)
    lines = []
    for path in sorted(Path(source).glob("*.jsonl")):
        text = path.read_text(encoding="utf-8")
        complete = text[:text.rfind("\n") + 1]  # a writer may be half way through a line
        (target / path.name).write_text(complete, encoding="utf-8")
        rows, errors = read_voice_file(target / path.name)
        lines.append(f"{path.name}: {len(rows)} rows ({len(sealed_rows(rows))} sealed), {len(errors)} left out")
        lines += [f"  {e}" for e in errors[:5]]
    return lines


if __name__ == "__main__":  # python -m nlp.voices /work/wt/_holdout
    print("\n".join(import_voices(Path(sys.argv[1]))))
