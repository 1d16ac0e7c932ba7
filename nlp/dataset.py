"""The labelled messages: load every nlp/data/*.jsonl, check each line against GUIDE.md, split.

Rows that carry a `group` come from nlp/data/build_dataset.py (templated variants of one
hand-written seed). They only ever train: variants of one seed are near duplicates, so a
held-out figure is honest only on messages written one by one.
"""
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nlp.triage import CATEGORIES, URGENCIES, kind_of

DATA_DIR = Path(__file__).resolve().parent / "data"
LABELS = ("is_report", "kind", "category", "urgency", "location")
_NOT_WORD = re.compile(r"[\W_]+")


class BadRow(ValueError):
    """A labelled line that breaks the guide."""


@dataclass
class Loaded:
    """The good rows, and one message per bad line (file:line: why)."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def load_checked(data_dir: Path = DATA_DIR) -> Loaded:
    """Every row of every *.jsonl file; lines that break the guide are reported, not kept."""
    out = Loaded()
    for path in sorted(Path(data_dir).glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{path.name}:{number}"
            try:
                row = json.loads(line)
                check(row, where)
            except (ValueError, TypeError, KeyError) as exc:
                out.errors.append(str(exc) if isinstance(exc, BadRow) else f"{where}: {exc!r}")
                continue
            row["source"] = path.name
            out.rows.append(row)
    return out


def load(data_dir: Path = DATA_DIR) -> list[dict[str, Any]]:
    """The good rows of every *.jsonl file."""
    return load_checked(data_dir).rows


def check(row: dict[str, Any], where: str) -> None:
    """Labels in the vocabulary, kind consistent with category, location a substring of text."""
    if not isinstance(row, dict) or not isinstance(row.get("text"), str) or not row["text"].strip():
        raise BadRow(f"{where}: not an object with a non-empty text")
    missing = [k for k in LABELS if k not in row]
    if missing:
        raise BadRow(f"{where}: missing {', '.join(missing)}")
    if not isinstance(row["is_report"], bool):
        raise BadRow(f"{where}: is_report must be true or false")
    if row["is_report"]:
        if row["category"] not in CATEGORIES or row["urgency"] not in URGENCIES:
            raise BadRow(f"{where}: bad category/urgency {row['category']!r}/{row['urgency']!r}")
        if row["kind"] != kind_of(row["category"]):
            raise BadRow(f"{where}: kind {row['kind']!r} does not match {row['category']!r}")
    elif any(row.get(k) for k in ("kind", "category", "urgency", "location")):
        raise BadRow(f"{where}: a non-report must have null labels")
    location = row.get("location")
    if location is not None and (not isinstance(location, str) or not location or location not in row["text"]):
        raise BadRow(f"{where}: location {location!r} is not in the text")


def dedup_key(text: str) -> str:
    """The text without width, case, spaces, punctuation or emoji: what makes two messages 'the same'."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text).lower())


def split(rows: list[dict[str, Any]], test_share: float = 0.2,
          seed: int = 7) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Train/test with a fixed seed, de-duplicated by normalised text; templated rows only train."""
    unique, seen = [], set()
    for row in rows:
        key = dedup_key(row["text"])
        if key and key not in seen:
            seen.add(key)
            unique.append(row)
    # A seeded hash, not a shuffle: a message stays on its side when other files grow.
    def held_out(row: dict[str, Any]) -> bool:
        digest = hashlib.blake2b(f"{seed}:{dedup_key(row['text'])}".encode(), digest_size=8).digest()
        return "group" not in row and int.from_bytes(digest, "big") / 2**64 < test_share

    test = [r for r in unique if held_out(r)]
    return [r for r in unique if not held_out(r)], test
