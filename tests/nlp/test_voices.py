"""The voices: a fixed sealed quarter by id that never trains, and leave-one-voice-out folds that never leak."""
import json

from nlp.cli import training_rows
from nlp.lovo import leave_one_voice_out
from nlp.triage import Triage
from nlp.voices import import_voices, is_sealed, load_voices, read_voice_file


def _row(voice: str, n: int, report: bool = True) -> dict:
    labels = dict(kind="police", category="theft", urgency="normal", location="东门") if report else \
        dict(kind=None, category=None, urgency=None, location=None)
    return {"id": f"{voice}-{n:04d}", "voice": voice, "text": f"东门第{n}回丢了电瓶车" if report else f"早上好{n}",
            "is_report": report, **labels, "note": ""}


def _write(folder, voice: str, rows: list[dict], tail: str = "") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows) + tail
    (folder / f"{voice}.jsonl").write_text(body, encoding="utf-8")


def test_the_sealed_quarter_is_fixed_by_id_and_about_a_quarter():
    ids = [f"v-{i:04d}" for i in range(4000)]
    sealed = [i for i in ids if is_sealed(i)]
    assert 0.22 <= len(sealed) / len(ids) <= 0.28
    assert sealed == [i for i in ids if is_sealed(i)]  # the same every run
    assert is_sealed("cadre-0001") == is_sealed("cadre-0001")


def test_sealed_rows_never_enter_training(tmp_path):
    data = tmp_path / "data"
    _write(data / "voices", "cadre", [_row("cadre", n, n % 3 > 0) for n in range(200)])
    _write(data / "voices", "youth", [_row("youth", n, n % 2 > 0) for n in range(200)])
    voices = load_voices(data / "voices")
    sealed_ids = {r["id"] for r in voices if r["sealed"]}
    assert sealed_ids and len(voices) == 400
    trained = training_rows(data, corrections=[])
    assert {r["id"] for r in trained} == {r["id"] for r in voices} - sealed_ids


def test_no_fold_trains_on_the_voice_it_tests_or_on_sealed_rows(tmp_path):
    _write(tmp_path, "cadre", [_row("cadre", n) for n in range(60)])
    _write(tmp_path, "youth", [_row("youth", n, False) for n in range(60)])
    voices = load_voices(tmp_path)
    sealed_ids = {r["id"] for r in voices if r["sealed"]}
    seen: list[list[dict]] = []

    class Spy:
        def __init__(self, rows):
            seen.append(rows)

        def classify_many(self, texts):
            return [Triage(False) for _ in texts]

    folds = leave_one_voice_out([{"text": "seed"}], voices, Spy)
    assert [f.voice for f in folds] == ["cadre", "youth"]
    for fold, rows in zip(folds, seen):
        assert not {r.get("id") for r in rows} & sealed_ids
        assert not {r["id"] for r in fold.rows} & sealed_ids
        assert all(r.get("voice") != fold.voice for r in rows) and {"text": "seed"} in rows
    assert folds[1].figures["silence"] == 1.0 and folds[0].figures["police_recall"] == 0.0


def test_import_keeps_whole_lines_and_reports_bad_ones(tmp_path):
    source = tmp_path / "holdout"
    bad = dict(_row("dialect", 2), location="西门")  # not in the text
    _write(source, "dialect", [_row("dialect", 1), bad], tail='{"id": "dialect-0003", "te')
    lines = import_voices(source, tmp_path / "voices")
    assert lines[0] == f"dialect.jsonl: 1 rows ({int(is_sealed('dialect-0001'))} sealed), 1 left out"
    rows, errors = read_voice_file(tmp_path / "voices" / "dialect.jsonl")
    assert [r["id"] for r in rows] == ["dialect-0001"] and "not in the text" in errors[0]
    assert (tmp_path / "voices" / "dialect.jsonl").read_text(encoding="utf-8").endswith("\n")
