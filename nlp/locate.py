"""Where did it happen: the place span in the clean text, from the tagger, the gazetteer and the regexes."""
import re
from collections.abc import Sequence

from nlp.fled import fled_to
from nlp.place_tagger import PlaceTagger
from nlp.places import STOP_CHARS, Span, find_spans, shape_spans
from nlp.pointed import pointed
from nlp.relative import is_relative, relative_place
from nlp.room import trailing_room
from nlp.whole_words import whole_words

MAX_TAGGED = 400  # characters the tagger reads; a place comes early or at the very end
FALLBACK = 0.1  # mean tagger probability a regex match needs to stand in for the tagger


def regex_flags(clean: str, spans: list[Span] | None = None) -> list[str]:
    """'r' for characters inside a place-shaped regex match, '' elsewhere."""
    flags = [""] * len(clean)
    for span in find_spans(clean) if spans is None else spans:
        for i in range(span.start, span.end):
            flags[i] = "r"
    return flags


def window(clean: str) -> tuple[str, int]:
    """The part of a long message the tagger reads, and its offset in the clean text."""
    return clean[:MAX_TAGGED], 0


def locate_many(cleans: list[str], tagger: PlaceTagger | None,
                known: Sequence[Sequence[tuple[int, int]]]) -> list[tuple[Span | None, float]]:
    """Per clean text, the place span and how sure we are: a configured name (`known`) wins, else the
    tagger's strongest run. The tagger scores the whole batch's characters in one pass."""
    texts = [window(clean)[0] for clean in cleans]
    if tagger is None:
        return [_without_tagger(text, names) for text, names in zip(texts, known)]
    raw = [shape_spans(text) for text in texts]  # the regexes run once: flags, the fallback, the tails
    shapes = [find_spans(text, shapes=r) for text, r in zip(texts, raw)]
    probs = tagger.probabilities(texts, [regex_flags(text, s) for text, s in zip(texts, shapes)])
    chosen = [_choose(*args, tagger) for args in zip(texts, probs, raw, shapes, known)]
    return [_or_room(text, pointed(text, span) if span else None, sure) for text, (span, sure) in zip(texts, chosen)]


def _or_room(text: str, span: Span | None, sure: float) -> tuple[Span | None, float]:
    """The room number written last (… 1102) when nothing more than a relative place (楼上) was found."""
    if span is None or is_relative(span.text(text)):
        room = trailing_room(text)
        if room:
            return room, 0.5
    return span, sure


def _without_tagger(text: str, known: Sequence[tuple[int, int]]) -> tuple[Span | None, float]:
    spans = find_spans(text, [k for k in known if k[1] <= len(text)])
    best = max(spans, key=lambda s: (s.how == "gazetteer", s.end - s.start), default=None)
    return best, 0.5 if best else 0.0


def _choose(text: str, probs: list[float], raw: list[Span], shapes: list[Span], known: Sequence[tuple[int, int]],
            tagger: PlaceTagger) -> tuple[Span | None, float]:
    """The tagger's strongest run, widened to a configured name and a trailing building or gate."""
    scene = _notice_scene(text, shapes)
    if scene:
        return scene, 0.9
    run = _scene_run(text, probs, tagger)
    for start, end in known:
        if run and end <= len(text) and run[0] < end and start < run[1]:
            run = (min(run[0], start), max(run[1], end), run[2])  # never cut a configured name short
    for start, end in known:
        if end <= len(text) and not (run and run[0] < end and start < run[1]):
            # the configured name is the place when the tagger's run does not already cover it
            tail = next((s for s in find_spans(text, [(start, end)], raw) if s.start <= start < s.end), None)
            span = tail or Span(start, end, "gazetteer")
            return Span(span.start, span.end, "gazetteer"), 0.9
    if run is None:
        # nothing the tagger is sure of: a place-shaped match it leans towards is still better than none
        spans = [sp for sp in shapes if sum(probs[sp.start:sp.end]) / (sp.end - sp.start) > FALLBACK
                 and not fled_to(text, sp.start, sp.end)]
        if not spans:
            near = relative_place(text)  # 楼下, 我店门口: counts when it is the only place
            if near:
                return near, sum(probs[near.start:near.end]) / (near.end - near.start)
            return None, 1 - max(probs, default=0.0)
        best = max(spans, key=lambda sp: sum(probs[sp.start:sp.end]))
        return whole_words(text, best), sum(probs[best.start:best.end]) / (best.end - best.start)
    # a building, unit or gate written right after the name belongs to the place (锦绣里2栋)
    tail = max((sp for sp in find_spans(text, [(run[0], run[1])], raw) if sp.start <= run[0] < sp.end),
               key=lambda sp: sp.end, default=None)
    start = _head(text, run[0], shapes)
    span = Span(start, max(run[1], tail.end if tail else 0), "tagger")
    return _whole_relative(text, whole_words(text, span)), run[2]


def _scene_run(text: str, probs: list[float], tagger: PlaceTagger) -> tuple[int, int, float] | None:
    """The tagger's strongest run, unless it is where someone fled or hid and another place is written:
    then the next run, or the relative place (在胡同里 … 往大街那边跑了: 胡同里)."""
    run = _after_verb(text, tagger.best_run(probs, text))
    if run is None or not fled_to(text, run[0], run[1]):
        return run
    other = _after_verb(text, tagger.best_run(probs[:run[0]] + [0.0] * (run[1] - run[0]) + probs[run[1]:], text))
    if other and not fled_to(text, other[0], other[1]):
        return other
    near = relative_place(text)
    if near and not fled_to(text, near.start, near.end):
        return near.start, near.end, sum(probs[near.start:near.end]) / (near.end - near.start)
    return run


# Words no place name holds, that tie a verb to the place after them (去菜市场, 喺巷仔, 由楼下, 揸住电单车向村口):
# a run with one inside is the sentence around the place, and the place is what follows. Not a direction
# (门口往南那段路), a building going up (那个在建的楼) or a name (向阳).
_VERB_TIES = re.compile(r"(?:[在喺搁去由往咗]|向(?!阳))(?![东南西北上下前后左右里外建])")


def _after_verb(text: str, run: tuple[int, int, float] | None) -> tuple[int, int, float] | None:
    """The run from after the last verb tie inside it, when two characters or more are left."""
    if run is None:
        return None
    start, end, sure = run
    ties = [m.end() for m in _VERB_TIES.finditer(text, start + 1, end) if end - m.end() >= 2]
    return (ties[-1], end, sure) if ties else run


def _whole_relative(text: str, span: Span) -> Span:
    """A run that is only a piece of a relative place (们店 of 我们店门口) is that place, not a fragment of it."""
    near = relative_place(text)
    if near and near.start <= span.start and span.end <= near.end and (near.start, near.end) != (span.start, span.end):
        return Span(near.start, near.end, span.how)
    return span


HEAD = 4  # characters a run may be widened back by, to where the place's shape starts


def _head(text: str, start: int, shapes: list[Span]) -> int:
    """Where the place starts when the tagger's run begins inside a place-shaped span (枧沟镇 of 小枧沟镇,
    陵街道 of 十陵街道): the shape's start, if it is near and no function word lies between."""
    for sp in shapes:
        if start - HEAD <= sp.start < start < sp.end and not any(ch in STOP_CHARS for ch in text[sp.start:start]):
            return sp.start
    return start


_NOTICE = re.compile(r"^兹有.{2,30}?反映[，,：:]?其(?:在|于)")


def _notice_scene(text: str, shapes: list[Span]) -> Span | None:
    """The scene of a cadre's notice 兹有X村民反映，其在Y…: Y, the place-shaped span right after 其在, not X."""
    m = _NOTICE.match(text)
    if not m:
        return None
    at = m.end()  # the regexes' lazy name prefix takes 其在 into the span; the scene starts after it
    return next((Span(at, sp.end, sp.how) for sp in shapes if sp.start <= at and sp.end - at >= 2), None)
