"""Training: what each part of the model learns from."""
import numpy as np


def test_rows_written_for_the_place_tagger_leave_the_heads_as_they_were():
    from nlp.training import train_model

    rows = [{"text": t, "is_report": r, "kind": k, "category": c, "urgency": u, "location": loc}
            for t, r, k, c, u, loc in [
                ("锦绣花园3栋楼道有人充电", True, "non_police", "safety_hazard", "urgent", "锦绣花园3栋楼道"),
                ("柳溪村五组有人打架", True, "police", "violence", "urgent", "柳溪村五组"),
                ("人民路有人偷电动车", True, "police", "theft", "normal", "人民路"),
                ("今天天气不错", False, None, None, None, None), ("吃了吗", False, None, None, None, None)] * 2]
    extra = {"text": "我店门口的下水道盖子翘起来了", "is_report": True, "kind": "non_police",
             "category": "facility_repair", "urgency": "urgent", "location": "我店门口", "place_only": True}
    without, with_extra = train_model(rows, progress=False), train_model(rows + [extra], progress=False)
    for name, head in without.heads.items():
        assert np.array_equal(head.coef, with_extra.heads[name].coef), name
    assert without.places != with_extra.places  # the tagger did learn from it
