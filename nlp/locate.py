"""Where did it happen: the place span in the clean text, from the tagger, the gazetteer and the regexes."""
from collections.abc import Sequence

from nlp.place_tagger import PlaceTagger, char_features
from nlp.places import Span, find_spans

MAX_TAGGED = 400  # characters the tagger reads; a place comes early or at the very end
FALLBACK = 0.1  # mean tagger probability a regex match needs to stand in for the tagger


def regex_flags(clean: str) -> list[str]:
    """'r' for characters inside a place-shaped regex match, '' elsewhere."""
    flags = [""] * len(clean)
    for span in find_spans(clean):
        for i in range(span.start, span.end):
            flags[i] = "r"
    return flags


def window(clean: str) -> tuple[str, int]:
    """The part of a long message the tagger reads, and its offset in the clean text."""
    return clean[:MAX_TAGGED], 0


def locate(clean: str, pieces: list[str], tagger: PlaceTagger | None,
           known: Sequence[tuple[int, int]] = ()) -> tuple[Span | None, float]:
    """The place span and how sure we are: a configured name wins, else the tagger's strongest run."""
    text, _ = window(clean)
    if tagger is None:
        spans = find_spans(text, [k for k in known if k[1] <= len(text)])
        best = max(spans, key=lambda s: (s.how == "gazetteer", s.end - s.start), default=None)
        return best, 0.5 if best else 0.0
    probs = tagger.probabilities(char_features(text, clip_pieces(pieces, len(text)), regex_flags(text)))
    run = tagger.best_run(probs, text)
    for start, end in known:
        if run and end <= len(text) and run[0] < end and start < run[1]:
            run = (min(run[0], start), max(run[1], end), run[2])  # never cut a configured name short
    for start, end in known:
        if end <= len(text) and not (run and run[0] < end and start < run[1]):
            # the configured name is the place when the tagger's run does not already cover it
            tail = next((s for s in find_spans(text, [(start, end)]) if s.start <= start < s.end), None)
            span = tail or Span(start, end, "gazetteer")
            return Span(span.start, span.end, "gazetteer"), 0.9
    if run is None:
        # nothing the tagger is sure of: a place-shaped match it leans towards is still better than none
        spans = [sp for sp in find_spans(text) if sum(probs[sp.start:sp.end]) / (sp.end - sp.start) > FALLBACK]
        if not spans:
            return None, 1 - max(probs, default=0.0)
        best = max(spans, key=lambda sp: sum(probs[sp.start:sp.end]))
        return best, sum(probs[best.start:best.end]) / (best.end - best.start)
    # a building, unit or gate written right after the name belongs to the place (锦绣里2栋)
    tail = max((sp for sp in find_spans(text, [(run[0], run[1])]) if sp.start <= run[0] < sp.end),
               key=lambda sp: sp.end, default=None)
    return Span(run[0], max(run[1], tail.end if tail else 0), "tagger"), run[2]


def clip_pieces(pieces: list[str], length: int) -> list[str]:
    """The word pieces covering the first `length` characters."""
    out, total = [], 0
    for p in pieces:
        if total >= length:
            break
        out.append(p[:length - total])
        total += len(out[-1])
    return out
