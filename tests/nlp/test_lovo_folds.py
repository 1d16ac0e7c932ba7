"""bench.lovo_folds: the kept folds replayed with the shipped rule give `run.py eval`'s figures, to the digit."""
import json

import numpy as np


def _small_folder(tmp_path):
    seeds = [{"text": f"{p}有人打架", "is_report": True, "kind": "police", "category": "violence", "urgency": "urgent",
              "location": p} for p in ("东门", "西门", "南门", "北门")]
    seeds += [{"text": f"{p}着火了快来人", "is_report": True, "kind": "police", "category": "fire_emergency",
               "urgency": "emergency", "location": p} for p in ("东楼", "西楼", "南楼", "北楼")]
    seeds += [{"text": f"{p}路灯坏了", "is_report": True, "kind": "non_police", "category": "facility_repair",
               "urgency": "normal", "location": p} for p in ("东街", "西街", "南街", "北街")]
    seeds += [{"text": t, "is_report": False, "kind": None, "category": None, "urgency": None, "location": None}
              for t in ("早上好", "收到", "谢谢", "晚安", "好的", "辛苦了")]
    (tmp_path / "set.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in seeds),
                                        encoding="utf-8")
    (tmp_path / "voices").mkdir()
    texts = {"cadre": ["东门口有人打架了", "后楼着火了快来人", "中街路灯坏了", "早上好各位"],
             "youth": ["西门那边打架", "三楼着火了快来人啊", "北街路灯又坏了", "收到谢谢"],
             "rider": ["南门两个人打架", "厨房着火了快来人", "西街路灯不亮了坏了", "好的晚安"]}
    for voice, lines in texts.items():
        rows = [{**seeds[k], "id": f"{voice}-{i}", "voice": voice, "text": t,
                 "location": t[:2] if seeds[k]["is_report"] else None}
                for i, (k, t) in enumerate(zip((0, 4, 8, 12), lines))]
        (tmp_path / "voices" / f"{voice}.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def test_replay_of_the_shipped_rule_gives_the_eval_figures_and_a_refit_can_change_them(tmp_path, gazetteer):
    from bench.lovo_folds import collect, decide, kept, named, refit_urgency
    from nlp.classifier import Classifier
    from nlp.dataset import load
    from nlp.evaluation import figures
    from nlp.lovo import leave_one_voice_out
    from nlp.training import Preparer, train_model
    from nlp.voices import load_voices

    _small_folder(tmp_path)
    preparer = Preparer()
    evaluated = leave_one_voice_out(load(tmp_path), load_voices(tmp_path / "voices"),
                                    lambda rows: Classifier(train_model(rows, False, preparer), gazetteer))
    collect(tmp_path / "kept", True, data_dir=tmp_path, gazetteer=gazetteer)
    folds = kept(tmp_path / "kept", data_dir=tmp_path)
    replayed = decide(folds)
    assert [f.voice for f in folds] == ["cadre", "rider", "youth"]
    decided = [[(t.is_report, t.kind, t.category, t.urgency, t.location) for t in f.results] for f in evaluated]
    assert [[(t.is_report, t.kind, t.category, t.urgency, t.location) for t in f] for f in replayed] == decided
    assert [figures(f.rows, r) for f, r in zip(folds, replayed)] == [f.figures for f in evaluated]
    shipped = named(tmp_path / "kept", "cadre")["urgency"]
    refitted = refit_urgency(tmp_path / "kept", "cadre", {})  # the same recipe on the kept matrices
    assert np.allclose([[p[c] for c in sorted(p)] for p in refitted], [[p[c] for c in sorted(p)] for p in shipped],
                       atol=1e-4)
    heavier = refit_urgency(tmp_path / "kept", "cadre", {"emergency": 8.0})
    assert all(a["emergency"] > b["emergency"] for a, b in zip(heavier, shipped))
