"""Leave-one-voice-out: train on the seeds and every other voice, test on the voice left out."""
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nlp.evaluation import figures
from nlp.triage import Triage
from nlp.voices import open_rows

if TYPE_CHECKING:
    from nlp.classifier import Classifier


@dataclass
class Fold:
    """One voice's held-out rows, what the model trained without it said of them, and the figures."""

    voice: str
    rows: list[dict[str, Any]]
    results: list[Triage]
    figures: dict[str, Any]


def voices_of(rows: list[dict[str, Any]]) -> list[str]:
    """The voices present, in a fixed order."""
    return sorted({r["voice"] for r in rows})


def splits(seeds: list[dict[str, Any]], voice_rows: list[dict[str, Any]],
           only: list[str] | None = None) -> Iterator[tuple[str, list[dict[str, Any]], list[dict[str, Any]]]]:
    """(voice, training rows, held-out rows) per voice: seeds + other voices' open rows, that voice's open rows.

    Sealed rows are dropped before anything else, so no fold can learn from or be scored on them.
    """
    usable = open_rows(voice_rows)
    for voice in only or voices_of(usable):
        yield voice, seeds + [r for r in usable if r["voice"] != voice], [r for r in usable if r["voice"] == voice]


def leave_one_voice_out(seeds: list[dict[str, Any]], voice_rows: list[dict[str, Any]],
                        fit: Callable[[list[dict[str, Any]]], "Classifier"],
                        only: list[str] | None = None) -> list[Fold]:
    """For each split: fit(training rows), then classify the voice left out."""
    folds = []
    for voice, train, test in splits(seeds, voice_rows, only):
        results = fit(train).classify_many([r["text"] for r in test])
        folds.append(Fold(voice, test, results, figures(test, results)))
    return folds


def pooled(folds: list[Fold]) -> dict[str, Any]:
    """The figures over every fold's rows together."""
    return figures([r for f in folds for r in f.rows], [t for f in folds for t in f.results])
