"""The triage CLI: contract 3 shape, one output line per input line, errors as lines, training."""
import io
import json

from nlp.cli import run_classify, run_eval, run_train


def test_classify_answers_every_line_in_the_contract_shape(classifier):
    lines = [json.dumps({"id": 1, "text": "人民路有个井盖没了"}, ensure_ascii=False), "not json",
             json.dumps({"id": "b", "text": "早上好"}, ensure_ascii=False), json.dumps({"id": 3}), "[1, 2]",
             json.dumps({"id": 4, "text": "翠湖苑2栋着火了"}, ensure_ascii=False)]
    out = io.StringIO()
    assert run_classify(classifier, io.StringIO("\n".join(lines)), out) == 0
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r.get("id") for r in rows] == [1, None, "b", 3, None, 4]  # in order, one per line
    assert set(rows[0]) == {"id", "is_report", "kind", "category", "urgency", "location", "confidence"}
    assert (rows[0]["category"], rows[0]["location"]) == ("facility_repair", "人民路")
    assert rows[2]["is_report"] is False and rows[2]["kind"] is None
    assert ["error" in r for r in rows] == [False, True, False, True, True, False]
    assert rows[5]["urgency"] == "emergency" and rows[5]["kind"] == "police"
    assert "人民路" in out.getvalue()  # ensure_ascii=False


def test_a_file_saved_with_a_byte_order_mark_reads_from_its_first_line(classifier):
    body = "\ufeff" + json.dumps({"id": 1, "text": "人民路有个井盖没了"}, ensure_ascii=False) + "\n"
    for infile in (io.BytesIO(body.encode("utf-8")), io.StringIO(body)):
        out = io.StringIO()
        run_classify(classifier, infile, out)
        assert json.loads(out.getvalue())["category"] == "facility_repair"


def test_train_and_eval_on_a_small_folder(tmp_path, classifier):
    rows = [{"text": f"{place}有人打架", "is_report": True, "kind": "police", "category": "violence",
             "urgency": "urgent", "location": place} for place in ("东门", "西门", "南门", "北门", "后门")]
    rows += [{"text": f"{place}路灯坏了", "is_report": True, "kind": "non_police", "category": "facility_repair",
              "urgency": "normal", "location": place} for place in ("东街", "西街", "南街", "北街", "中街")]
    rows += [{"text": t, "is_report": False, "kind": None, "category": None, "urgency": None, "location": None}
             for t in ("早上好", "收到", "谢谢", "晚安", "好的")]
    lines = [json.dumps(r, ensure_ascii=False) for r in rows] + ['{"text": "坏行"}']
    (tmp_path / "set.jsonl").write_text("\n".join(lines), encoding="utf-8")
    out = io.StringIO()
    assert run_train(tmp_path, tmp_path / "m.npz", out=out) == 0
    assert (tmp_path / "m.npz").stat().st_size > 0 and "trained on 15 messages" in out.getvalue()
    voices = tmp_path / "voices"
    voices.mkdir()
    for voice, texts in (("cadre", ["东门有人打架", "早上好"]), ("youth", ["西门有人打架", "收到"])):
        (voices / f"{voice}.jsonl").write_text("".join(json.dumps(
            {"id": f"{voice}-{i}", "voice": voice, **rows[0 if "打架" in t else 10], "text": t,
             "location": t[:2] if "打架" in t else None}, ensure_ascii=False) + "\n"
            for i, t in enumerate(texts)), encoding="utf-8")
    held_out = tmp_path / "holdout"
    held_out.mkdir()
    (held_out / "night.jsonl").write_text(json.dumps(
        {"id": "night-1", "voice": "night", **rows[0], "text": "南门有人打架", "location": "南门"},
        ensure_ascii=False) + "\n", encoding="utf-8")
    report = io.StringIO()
    assert run_eval(classifier, tmp_path, out=report) == 0
    text = report.getvalue()
    assert "cadre" in text and "youth" in text and "all sealed" in text and "police R" in text
    assert "night" in text and "all held out" in text
