"""Corrections made in the console train the next model: `run.py train` reads them from the store."""
import io
import json
from datetime import timedelta

import numpy as np

import run
from models import TriageCorrection
from models.store import session
from models.triage_desk import corrections
from nlp.cli import run_train


def test_train_reads_the_stores_corrections_and_the_model_learns_from_them(tmp_path, settings, engine, clock):
    with session(engine) as db:
        db.add(TriageCorrection(text="楼下那家又在摔东西吵架", is_report=True, kind="non_police",
                                category="neighbor_dispute", urgency="normal", location="楼下", member_id="sz_chen",
                                created_at=clock.now()))
        db.add(TriageCorrection(text="今天菜好贵", is_report=False, member_id="sz_chen", created_at=clock.now()))
        db.add(TriageCorrection(text="只改了地点", is_report=True, member_id="sz_chen", created_at=clock.now()))
        db.commit()
    rows = corrections(engine)
    assert [r["text"] for r in rows] == ["楼下那家又在摔东西吵架", "今天菜好贵"]  # unlabelled ones cannot train
    assert corrections(engine, since=clock.now()) == rows and corrections(engine, since=clock.now() + timedelta(seconds=1)) == []
    data = tmp_path / "data"
    data.mkdir()
    seeds = [{"text": t, "is_report": r, "kind": "police" if r else None, "category": "theft" if r else None,
              "urgency": "normal" if r else None, "location": None}
             for t, r in (("电瓶车被偷了", True), ("东门丢了手机", True), ("早上好", False), ("收到", False))]
    (data / "seeds.jsonl").write_text("".join(json.dumps(s, ensure_ascii=False) + "\n" for s in seeds), "utf-8")
    model = tmp_path / "m.npz"
    assert run_train(data, model, out=io.StringIO(), corrections=rows) == 0
    with np.load(model) as saved:
        trained = json.loads(str(saved["trained_ids"]))
    assert sorted(trained) == sorted(r["id"] for r in rows)


def test_without_a_store_training_goes_on_with_the_files(tmp_path, settings, capsys):
    empty = settings.model_copy(update={"database": settings.database.model_copy(
        update={"url": f"sqlite:///{tmp_path / 'none.db'}"})})
    assert run.stored_corrections(empty) == []
    assert "going on with the files only" in capsys.readouterr().err
