"""From labelled rows to a saved model: prepare each message the way classify will, then fit."""
import sys
from dataclasses import dataclass
from typing import Any

from nlp.locate import clip_pieces, regex_flags, window
from nlp.model import TriageModel
from nlp.normalize import normalize
from nlp.place_tagger import char_features
from nlp.place_training import char_labels, fit_tagger
from nlp.privacy import mask
from nlp.script import make_t2s
from nlp.segment import make_tokenizer, tokenize, words


@dataclass
class Prepared:
    """One message as the model sees it."""

    masked: str
    words: list[str]
    place_features: list[list[str]]
    place_labels: list[int]


def prepare(rows: list[dict[str, Any]], progress: bool = True) -> list[Prepared]:
    """Normalise, mask, segment and label each row's place characters (with a progress bar)."""
    from tqdm import tqdm

    tokenizer, t2s = make_tokenizer(), make_t2s()
    out = []
    for row in tqdm(rows, desc="准备训练数据", unit="条", file=sys.stderr, disable=not progress):
        norm = normalize(row["text"], t2s)
        masked = mask(norm.text)
        pieces = tokenize(tokenizer, masked)
        clean, _ = window(norm.text)
        place_pieces = pieces if len(masked) == len(norm.text) else tokenize(tokenizer, norm.text)
        features = char_features(clean, clip_pieces(place_pieces, len(clean)), regex_flags(clean))
        labels = char_labels(len(clean), norm.origin, norm.original, row.get("location"))
        out.append(Prepared(masked, words(pieces, masked), features, labels))
    return out


def train_model(rows: list[dict[str, Any]], progress: bool = True) -> TriageModel:
    """Fit the three text heads on all rows and the place tagger on the reports."""
    prepared = prepare(rows, progress)
    model = TriageModel.train([p.masked for p in prepared], [p.words for p in prepared],
                              [r["is_report"] for r in rows], [r["category"] for r in rows],
                              [r["urgency"] for r in rows])
    reports = [p for p, r in zip(prepared, rows) if r["is_report"]]
    model.places = fit_tagger([p.place_features for p in reports], [p.place_labels for p in reports], c=10.0)
    model.places.threshold = 0.35
    return model
