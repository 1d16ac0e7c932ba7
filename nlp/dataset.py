"""The seed messages: load every nlp/data/*.jsonl and check each line against GUIDE.md.

Rows that carry a `group` come from nlp/data/build_dataset.py (templated variants of one
hand-written seed). Seeds always train; figures come from the voices (nlp/voices.py), written
by other hands, leave-one-voice-out.
"""
import json
import re
import unicodedata
from collections.abc import Callable
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
        rows, errors = read_labelled(path)
        for row in rows:
            row["source"] = path.name
        out.rows += rows
        out.errors += errors
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


def read_labelled(path: Path, accept: Callable[[dict[str, Any], str], None] = check,
                  ) -> tuple[list[dict[str, Any]], list[str]]:
    """The rows of one .jsonl file that `accept` lets through (it raises), and `file:line: why` for the others."""
    rows: list[dict[str, Any]] = []
    errors: list[str] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path.name}:{number}"
        try:
            row = json.loads(line)
            accept(row, where)
        except (ValueError, TypeError, KeyError) as exc:
            errors.append(str(exc) if isinstance(exc, BadRow) else f"{where}: {exc!r}")
            continue
        rows.append(row)
    return rows, errors


def dedup_key(text: str) -> str:
    """The text without width, case, spaces, punctuation or emoji: what makes two messages 'the same'."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text).lower())
